package io.flotilla.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Plausible values for a schema, one device's worth: numbers drift in a bounded random walk and geopoints move a
 * little on every call with the same key, so a chart looks like a sensor rather than noise. Every value fits
 * {@link Schema#check}. Not thread-safe (one instance per simulated device).
 */
public final class SimulatedValues {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};

  private final RandomGenerator random;
  private final Clock clock;
  /** Walk state per key: one slot for a number, two (lat, lon) for a geopoint. Created lazily. */
  private Map<String, double[]> state;

  public SimulatedValues(RandomGenerator random, Clock clock) {
    this.random = random;
    this.clock = clock;
  }

  /**
   * The next value of the series {@code key} (e.g. {@code settings.voltage}); {@code key} also hints the range
   * ({@code temp}, {@code humid}, {@code battery}, {@code speed}, ...).
   */
  public JsonNode next(String key, Schema schema) {
    return value(key, schema, true);
  }

  /** A one-off value (command responses, read-only properties): no walk state is kept. */
  public JsonNode sample(String key, Schema schema) {
    return value(key, schema, false);
  }

  private JsonNode value(String key, Schema schema, boolean drift) {
    if (schema instanceof PrimitiveSchema p) {
      return primitive(key, p, drift);
    }
    if (schema instanceof EnumSchema e) {
      return e.enumValues().get(random.nextInt(e.enumValues().size())).enumValue().deepCopy();
    }
    if (schema instanceof ObjectSchema o) {
      ObjectNode out = JSON.objectNode();
      for (ObjectSchema.Field f : o.fields()) {
        out.set(f.name(), value(key + "." + f.name(), f.schema(), drift));
      }
      return out;
    }
    if (schema instanceof MapSchema m) {
      ObjectNode out = JSON.objectNode();
      int n = 1 + random.nextInt(3);
      for (int i = 1; i <= n; i++) {
        out.set(m.keyName() + i, value(key + "." + m.keyName() + i, m.valueSchema(), drift));
      }
      return out;
    }
    if (schema instanceof ArraySchema a) {
      ArrayNode out = JSON.arrayNode();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        out.add(value(key + "[" + i + "]", a.elementSchema(), drift));
      }
      return out;
    }
    if (schema instanceof GeopointSchema) {
      double[] p = position(key, drift);
      return JSON.objectNode().put("lat", p[0]).put("lon", p[1]).put("alt", round(50 + random.nextDouble() * 10));
    }
    if (schema instanceof GeospatialSchema g) {
      return geospatial(key, g, drift);
    }
    throw new IllegalArgumentException("unknown schema " + schema);
  }

  private JsonNode primitive(String key, PrimitiveSchema p, boolean drift) {
    Instant now = clock.instant();
    return switch (p) {
      case BOOLEAN -> JSON.booleanNode(random.nextInt(4) != 0);
      case DOUBLE, FLOAT -> JSON.numberNode(round(number(key, drift)));
      case INTEGER, LONG -> JSON.numberNode(Math.round(number(key, drift)));
      case STRING -> JSON.textNode(WORDS[random.nextInt(WORDS.length)] + "-" + (100 + random.nextInt(900)));
      case DATE_TIME -> JSON.textNode(now.truncatedTo(ChronoUnit.MILLIS).toString());
      case DATE -> JSON.textNode(now.atOffset(ZoneOffset.UTC).toLocalDate().toString());
      case TIME -> JSON.textNode(TIME.format(LocalTime.ofInstant(now, ZoneOffset.UTC)));
      case DURATION -> JSON.textNode("PT" + (1 + random.nextInt(59)) + "M");
    };
  }

  /** A value in the key's plausible range, moved at most 2 % of the range from the last one. */
  private double number(String key, boolean drift) {
    double[] range = range(key);
    double low = range[0];
    double high = range[1];
    if (!drift) {
      return low + random.nextDouble() * (high - low);
    }
    double[] s = state().get(key);
    if (s == null) {
      s = new double[] {low + (0.25 + random.nextDouble() * 0.5) * (high - low)};
      state.put(key, s);
      return s[0];
    }
    double step = (random.nextDouble() * 2 - 1) * 0.02 * (high - low);
    s[0] = Math.max(low, Math.min(high, s[0] + step));
    return s[0];
  }

  /** A position that starts somewhere around Seattle and moves about 100 m per call. */
  private double[] position(String key, boolean drift) {
    if (!drift) {
      return new double[] {round6(47.6 + random.nextDouble() - 0.5), round6(-122.3 + random.nextDouble() - 0.5)};
    }
    double[] s = state().get(key);
    if (s == null) {
      s = new double[] {47.6 + random.nextDouble() - 0.5, -122.3 + random.nextDouble() - 0.5};
      state.put(key, s);
    } else {
      s[0] = Math.max(-89.9, Math.min(89.9, s[0] + (random.nextDouble() * 2 - 1) * 0.001));
      s[1] = Math.max(-179.9, Math.min(179.9, s[1] + (random.nextDouble() * 2 - 1) * 0.001));
    }
    return new double[] {round6(s[0]), round6(s[1])};
  }

  private JsonNode geospatial(String key, GeospatialSchema g, boolean drift) {
    double[] p = position(key, drift);
    ArrayNode point = JSON.arrayNode().add(p[1]).add(p[0]);
    ArrayNode east = JSON.arrayNode().add(round6(p[1] + 0.01)).add(p[0]);
    ArrayNode north = JSON.arrayNode().add(p[1]).add(round6(p[0] + 0.01));
    ArrayNode line = JSON.arrayNode().add(point).add(east);
    ArrayNode ring = JSON.arrayNode().add(point).add(east).add(north).add(point.deepCopy());
    JsonNode coordinates = switch (g.dtdlName()) {
      case "point" -> point;
      case "multiPoint", "lineString" -> line;
      case "multiLineString" -> JSON.arrayNode().add(line);
      case "polygon" -> JSON.arrayNode().add(ring);
      default -> JSON.arrayNode().add(JSON.arrayNode().add(ring));
    };
    return JSON.objectNode().put("type", g.geoJsonType()).set("coordinates", coordinates);
  }

  private Map<String, double[]> state() {
    if (state == null) {
      state = new HashMap<>(4);
    }
    return state;
  }

  /** The plausible range for a series, guessed from its name. */
  static double[] range(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.contains("cargo") || k.contains("freez")) {
      return new double[] {-25, 5};
    }
    if (k.contains("temp")) {
      return new double[] {-10, 40};
    }
    if (k.contains("humid") || k.contains("battery") || k.contains("percent") || k.contains("level")) {
      return new double[] {0, 100};
    }
    if (k.contains("volt")) {
      return new double[] {11, 14};
    }
    if (k.contains("pressure")) {
      return new double[] {950, 1050};
    }
    if (k.contains("speed")) {
      return new double[] {0, 120};
    }
    return new double[] {0, 100};
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static double round6(double v) {
    return Math.round(v * 1_000_000) / 1_000_000.0;
  }
}
