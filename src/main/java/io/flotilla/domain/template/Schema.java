package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A DTDL v2 schema of a telemetry, property, command payload, object field, map value or array element.
 * Immutable; parsed from a capability model by {@link CapabilityModel#parse}.
 */
public sealed interface Schema
    permits PrimitiveSchema, ObjectSchema, EnumSchema, MapSchema, ArraySchema, GeopointSchema, GeospatialSchema {

  /**
   * Checks that a JSON value fits this schema.
   *
   * @param value the value; {@code null}, a missing node or JSON {@code null} never fit
   * @param path where the value sits, used as the message prefix (e.g. {@code targetTemperature} or
   *     {@code settings.fanSpeed}); nested elements extend it ({@code .field}, {@code [2]})
   * @throws io.flotilla.domain.common.FlotillaException.Invalid naming the path and what was expected
   */
  void check(JsonNode value, String path);
}
