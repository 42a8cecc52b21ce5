package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Optional;

/**
 * The DTDL v2 GeoJSON schemas ({@code point}, {@code lineString}, ...): an object whose {@code type} names the
 * GeoJSON geometry and whose {@code coordinates} is an array. The coordinates' nesting is not checked.
 */
public record GeospatialSchema(String dtdlName) implements Schema {

  private static final String[] NAMES =
      {"point", "multiPoint", "lineString", "multiLineString", "polygon", "multiPolygon"};

  /** The geospatial schema named {@code name} in DTDL, if any. */
  public static Optional<GeospatialSchema> byName(String name) {
    return Arrays.stream(NAMES).filter(name::equals).findFirst().map(GeospatialSchema::new);
  }

  /** The GeoJSON {@code type} value, e.g. {@code Point} for {@code point}. */
  public String geoJsonType() {
    return Character.toUpperCase(dtdlName.charAt(0)) + dtdlName.substring(1);
  }

  @Override
  public void check(JsonNode value, String path) {
    if (Mismatch.absent(value) || !value.isObject()) {
      throw Mismatch.expected(path, "a GeoJSON " + geoJsonType() + " object", value);
    }
    JsonNode type = value.get("type");
    if (type == null || !geoJsonType().equals(type.asText())) {
      throw Mismatch.at(Mismatch.child(path, "type"), "expected \"" + geoJsonType() + "\"");
    }
    JsonNode coordinates = value.get("coordinates");
    if (coordinates == null || !coordinates.isArray()) {
      throw Mismatch.expected(Mismatch.child(path, "coordinates"), "an array", coordinates);
    }
  }
}
