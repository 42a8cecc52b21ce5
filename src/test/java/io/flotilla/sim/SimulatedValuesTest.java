package io.flotilla.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flotilla.domain.template.ArraySchema;
import io.flotilla.domain.template.EnumSchema;
import io.flotilla.domain.template.GeopointSchema;
import io.flotilla.domain.template.GeospatialSchema;
import io.flotilla.domain.template.MapSchema;
import io.flotilla.domain.template.ObjectSchema;
import io.flotilla.domain.template.PrimitiveSchema;
import io.flotilla.domain.template.Schema;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SimulatedValuesTest {
  /** A time whose seconds are zero: LocalTime.toString() would drop them and break the time schema. */
  private static final Clock ON_THE_MINUTE = Clock.fixed(Instant.parse("2024-03-01T12:34:00Z"), ZoneOffset.UTC);

  static Stream<Schema> everySchemaKind() {
    List<Schema> all = new ArrayList<>(List.of(PrimitiveSchema.values()));
    all.add(new EnumSchema(PrimitiveSchema.STRING, List.of(new EnumSchema.EnumValue("on", TextNode.valueOf("on")),
        new EnumSchema.EnumValue("off", TextNode.valueOf("off")))));
    all.add(new EnumSchema(PrimitiveSchema.INTEGER, List.of(new EnumSchema.EnumValue("low", IntNode.valueOf(1)),
        new EnumSchema.EnumValue("high", IntNode.valueOf(3)))));
    all.add(new ObjectSchema(List.of(new ObjectSchema.Field("temperature", PrimitiveSchema.DOUBLE),
        new ObjectSchema.Field("when", PrimitiveSchema.DATE_TIME),
        new ObjectSchema.Field("where", new GeopointSchema()))));
    all.add(new MapSchema("sensor", "reading", PrimitiveSchema.FLOAT));
    all.add(new ArraySchema(new ObjectSchema(List.of(new ObjectSchema.Field("n", PrimitiveSchema.LONG)))));
    all.add(new GeopointSchema());
    for (String g : List.of("point", "multiPoint", "lineString", "multiLineString", "polygon", "multiPolygon")) {
      all.add(GeospatialSchema.byName(g).orElseThrow());
    }
    all.add(new MapSchema("k", "v", new ArraySchema(new EnumSchema(PrimitiveSchema.STRING,
        List.of(new EnumSchema.EnumValue("x", TextNode.valueOf("x")))))));
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("everySchemaKind")
  void everyDriftingAndSampledValueFitsItsSchema(Schema schema) {
    for (Clock clock : List.of(Clock.systemUTC(), ON_THE_MINUTE)) {
      SimulatedValues values = new SimulatedValues(new SplittableRandom(7), clock);
      for (int i = 0; i < 300; i++) {
        schema.check(values.next("series", schema), "series");
        schema.check(values.sample("once", schema), "once");
      }
    }
  }

  @Test
  void doublesDriftWithinTheirRangeInSmallSteps() {
    SimulatedValues values = new SimulatedValues(new SplittableRandom(1), Clock.systemUTC());
    double previous = values.next("cargoTemperature", PrimitiveSchema.DOUBLE).doubleValue();
    Set<Double> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      double v = values.next("cargoTemperature", PrimitiveSchema.DOUBLE).doubleValue();
      assertThat(v).isBetween(-25.0, 5.0);
      assertThat(Math.abs(v - previous)).isLessThanOrEqualTo(0.6 + 0.01);
      seen.add(v);
      previous = v;
    }
    assertThat(seen).hasSizeGreaterThan(100);
  }

  @Test
  void geopointsMoveALittleEachTime() {
    SimulatedValues values = new SimulatedValues(new SplittableRandom(2), Clock.systemUTC());
    JsonNode first = values.next("location", new GeopointSchema());
    JsonNode p = first;
    for (int i = 0; i < 50; i++) {
      JsonNode next = values.next("location", new GeopointSchema());
      assertThat(Math.abs(next.path("lat").asDouble() - p.path("lat").asDouble())).isLessThanOrEqualTo(0.0011);
      assertThat(Math.abs(next.path("lon").asDouble() - p.path("lon").asDouble())).isLessThanOrEqualTo(0.0011);
      p = next;
    }
    assertThat(p).isNotEqualTo(first);
  }

  @Test
  void enumsUseEveryValueAndBooleansBothStates() {
    SimulatedValues values = new SimulatedValues(new SplittableRandom(3), Clock.systemUTC());
    EnumSchema mode = new EnumSchema(PrimitiveSchema.STRING, List.of(new EnumSchema.EnumValue("a", TextNode.valueOf("a")),
        new EnumSchema.EnumValue("b", TextNode.valueOf("b")), new EnumSchema.EnumValue("c", TextNode.valueOf("c"))));
    Set<String> modes = new HashSet<>();
    Set<Boolean> flags = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      modes.add(values.next("mode", mode).asText());
      flags.add(values.next("flag", PrimitiveSchema.BOOLEAN).asBoolean());
    }
    assertThat(modes).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(flags).containsExactlyInAnyOrder(true, false);
  }
}
