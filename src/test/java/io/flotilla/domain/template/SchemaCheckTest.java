package io.flotilla.domain.template;

import static io.flotilla.domain.template.CapabilityModels.json;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.NullNode;
import io.flotilla.domain.common.FlotillaException;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaCheckTest {

  private static void accepts(Schema schema, String value) {
    assertThatCode(() -> schema.check(json(value), "p")).as("%s accepts %s", schema, value).doesNotThrowAnyException();
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> rejects(Schema schema, String value) {
    return assertThatThrownBy(() -> schema.check(json(value), "p"))
        .as("%s rejects %s", schema, value).isInstanceOf(FlotillaException.Invalid.class);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "boolean  | true",
      "double   | 21.5",
      "double   | -3",
      "float    | 1.5e3",
      "integer  | 2147483647",
      "integer  | 5.0",
      "long     | 9223372036854775807",
      "string   | \"hello\"",
      "string   | \"\"",
      "dateTime | \"2021-03-24T12:33:15.223Z\"",
      "dateTime | \"2021-03-24T13:58:52.5999859Z\"",
      "dateTime | \"2022-05-24T22:29:01+02:00\"",
      "date     | \"2024-02-29\"",
      "time     | \"12:33:15\"",
      "time     | \"23:59:59.5Z\"",
      "duration | \"PT10M\"",
      "duration | \"P1D\"",
      "duration | \"P1Y2M3DT4H5M6.5S\"",
      "duration | \"P2W\""})
  void primitivesAcceptFittingValues(String schema, String value) {
    accepts(PrimitiveSchema.byName(schema).orElseThrow(), value);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "boolean  | \"true\"               | expected a boolean but got a string",
      "double   | \"55\"                 | expected a number (double) but got a string",
      "float    | 1e39                   | out of range for float",
      "integer  | 1.5                    | expected an integral number (integer) but got a number",
      "integer  | 2147483648             | out of range for integer",
      "long     | 9223372036854775808    | out of range for long",
      "long     | true                   | expected an integral number (long) but got a boolean",
      "string   | 12                     | expected a string but got an integer",
      "dateTime | \"2021-03-24T12:33:15\"  | is not a dateTime string",
      "dateTime | \"2021-02-30T12:33:15Z\" | is not a dateTime string",
      "date     | \"2023-02-29\"           | is not a date string",
      "date     | \"2023-2-1\"             | is not a date string",
      "time     | \"25:00:00\"             | is not a time string",
      "time     | \"12:33\"                | is not a time string",
      "duration | \"10 minutes\"           | is not an ISO 8601 duration",
      "duration | \"P\"                    | is not an ISO 8601 duration",
      "duration | \"PT\"                   | is not an ISO 8601 duration",
      "duration | \"P1DT\"                 | is not an ISO 8601 duration"})
  void primitivesRejectValuesThatDoNotFit(String schema, String value, String problem) {
    rejects(PrimitiveSchema.byName(schema).orElseThrow(), value).hasMessageStartingWith("p: ").hasMessageContaining(problem);
  }

  @Test
  void reportsTheExactMessageForAStringWhereADoubleIsExpected() {
    assertThatThrownBy(() -> PrimitiveSchema.DOUBLE.check(json("\"hot\""), "targetTemperature"))
        .isInstanceOf(FlotillaException.Invalid.class)
        .hasMessage("targetTemperature: expected a number (double) but got a string");
  }

  @ParameterizedTest
  @EnumSource(PrimitiveSchema.class)
  void nullNeverFits(PrimitiveSchema schema) {
    assertThatThrownBy(() -> schema.check(NullNode.getInstance(), "p")).hasMessageEndingWith("but got null");
    assertThatThrownBy(() -> schema.check(null, "p")).hasMessageEndingWith("but got null");
  }

  @Test
  void objectChecksPresentFieldsAndRejectsUnknownOnes() {
    ObjectSchema schema = new ObjectSchema(List.of(
        new ObjectSchema.Field("maxTemp", PrimitiveSchema.DOUBLE),
        new ObjectSchema.Field("inner", new ObjectSchema(List.of(new ObjectSchema.Field("at", PrimitiveSchema.DATE))))));

    accepts(schema, "{\"maxTemp\": 21.5, \"inner\": {\"at\": \"2024-01-01\"}}");
    accepts(schema, "{}");
    rejects(schema, "{\"maxTemp\": \"x\"}").hasMessage("p.maxTemp: expected a number (double) but got a string");
    rejects(schema, "{\"inner\": {\"at\": 3}}").hasMessage("p.inner.at: expected a date string (YYYY-MM-DD) but got an integer");
    rejects(schema, "{\"other\": 1}").hasMessage("p: unknown field \"other\"");
    rejects(schema, "{\"maxTemp\": null}").hasMessage("p.maxTemp: expected a number (double) but got null");
    rejects(schema, "[1]").hasMessage("p: expected an object but got an array");
  }

  @Test
  void enumAcceptsOnlyItsValues() {
    EnumSchema levels = new EnumSchema(PrimitiveSchema.INTEGER, List.of(
        new EnumSchema.EnumValue("low", json("1")), new EnumSchema.EnumValue("high", json("2"))));
    EnumSchema modes = new EnumSchema(PrimitiveSchema.STRING, List.of(
        new EnumSchema.EnumValue("heat", json("\"heat\"")), new EnumSchema.EnumValue("cool", json("\"cool\""))));

    accepts(levels, "2");
    accepts(modes, "\"cool\"");
    rejects(levels, "3").hasMessage("p: 3 is not one of the enum values [1, 2]");
    rejects(levels, "\"1\"").hasMessage("p: expected an integral number (integer) but got a string");
    rejects(modes, "\"dry\"").hasMessage("p: \"dry\" is not one of the enum values [\"heat\", \"cool\"]");
  }

  @Test
  void mapChecksEveryValue() {
    MapSchema schema = new MapSchema("zone", "target", PrimitiveSchema.DOUBLE);

    accepts(schema, "{\"kitchen\": 20, \"hall\": 18.5}");
    accepts(schema, "{}");
    rejects(schema, "{\"kitchen\": 20, \"hall\": \"warm\"}").hasMessage("p.hall: expected a number (double) but got a string");
    rejects(schema, "\"kitchen\"").hasMessage("p: expected an object (map) but got a string");
  }

  @Test
  void arrayChecksEveryElement() {
    ArraySchema schema = new ArraySchema(PrimitiveSchema.INTEGER);

    accepts(schema, "[1, 2, 3]");
    accepts(schema, "[]");
    rejects(schema, "[1, 2.5]").hasMessage("p[1]: expected an integral number (integer) but got a number");
    rejects(schema, "{\"0\": 1}").hasMessage("p: expected an array but got an object");
  }

  @Test
  void geopointNeedsNumericLatitudeAndLongitude() {
    GeopointSchema schema = new GeopointSchema();

    accepts(schema, "{\"lat\": 47.64, \"lon\": -122.13}");
    accepts(schema, "{\"lat\": 47.64, \"lon\": -122.13, \"alt\": 12}");
    rejects(schema, "{\"lat\": 47.64}").hasMessage("p.lon: expected a number (double) but got null");
    rejects(schema, "{\"lat\": \"47\", \"lon\": 1}").hasMessage("p.lat: expected a number (double) but got a string");
    rejects(schema, "{\"lat\": 91, \"lon\": 1}").hasMessage("p.lat: 91 is out of range [-90, 90]");
    rejects(schema, "{\"lat\": 1, \"lon\": 1, \"speed\": 3}").hasMessageStartingWith("p: unknown field \"speed\"");
    rejects(schema, "[47.64, -122.13]").hasMessageStartingWith("p: expected a geopoint object");
  }

  @Test
  void geospatialPointNeedsGeoJson() {
    GeospatialSchema point = GeospatialSchema.byName("point").orElseThrow();

    accepts(point, "{\"type\": \"Point\", \"coordinates\": [-122.13, 47.64]}");
    rejects(point, "{\"type\": \"LineString\", \"coordinates\": []}").hasMessage("p.type: expected \"Point\"");
    rejects(point, "{\"type\": \"Point\"}").hasMessage("p.coordinates: expected an array but got null");
  }

  @Test
  void schemasParsedFromAModelCheckValues() {
    CapabilityModel thermostat = CapabilityModel.parse(CapabilityModels.aThermostat());
    Schema schedule = thermostat.property(null, "schedule").orElseThrow().schema();

    assertThatCode(() -> schedule.check(json("""
        {"start": "06:30:00", "days": ["2024-01-01"], "window": {"length": "PT2H"}}"""), "schedule"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> schedule.check(json("{\"window\": {\"length\": \"2h\"}}"), "schedule"))
        .hasMessage("schedule.window.length: \"2h\" is not an ISO 8601 duration string (e.g. PT10M)");
  }
}
