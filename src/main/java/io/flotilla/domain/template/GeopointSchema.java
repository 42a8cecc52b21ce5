package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/** IoT Central's {@code geopoint}: {@code {"lat": number, "lon": number, "alt": number?}}. */
public record GeopointSchema() implements Schema {

  private static final Set<String> FIELDS = Set.of("lat", "lon", "alt");

  @Override
  public void check(JsonNode value, String path) {
    if (Mismatch.absent(value) || !value.isObject()) {
      throw Mismatch.expected(path, "a geopoint object {lat, lon, alt?}", value);
    }
    for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        throw Mismatch.at(path, "unknown field \"" + name + "\" (a geopoint has lat, lon, alt)");
      }
    }
    checkCoordinate(value.get("lat"), Mismatch.child(path, "lat"), 90);
    checkCoordinate(value.get("lon"), Mismatch.child(path, "lon"), 180);
    if (value.has("alt")) {
      PrimitiveSchema.DOUBLE.check(value.get("alt"), Mismatch.child(path, "alt"));
    }
  }

  private static void checkCoordinate(JsonNode coordinate, String path, double limit) {
    PrimitiveSchema.DOUBLE.check(coordinate, path);
    if (Math.abs(coordinate.doubleValue()) > limit) {
      throw Mismatch.at(path, coordinate.asText() + " is out of range [-" + (int) limit + ", " + (int) limit + "]");
    }
  }
}
