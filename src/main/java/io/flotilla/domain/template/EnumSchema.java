package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A DTDL {@code Enum} over {@code integer} or {@code string} values. */
public record EnumSchema(PrimitiveSchema valueSchema, List<EnumValue> enumValues) implements Schema {

  /** One named value of an {@link EnumSchema}; {@code enumValue} is a JSON integer or string. */
  public record EnumValue(String name, JsonNode enumValue) {}

  public EnumSchema {
    if (valueSchema != PrimitiveSchema.INTEGER && valueSchema != PrimitiveSchema.STRING) {
      throw new IllegalArgumentException("enum valueSchema must be integer or string: " + valueSchema);
    }
    enumValues = List.copyOf(enumValues);
  }

  @Override
  public void check(JsonNode value, String path) {
    valueSchema.check(value, path);
    for (EnumValue candidate : enumValues) {
      if (matches(candidate.enumValue(), value)) {
        return;
      }
    }
    List<String> allowed = enumValues.stream().map(v -> v.enumValue().toString()).toList();
    throw Mismatch.at(path, value + " is not one of the enum values " + allowed);
  }

  private static boolean matches(JsonNode enumValue, JsonNode value) {
    if (enumValue.isNumber()) {
      return value.isNumber() && enumValue.decimalValue().compareTo(value.decimalValue()) == 0;
    }
    return enumValue.equals(value);
  }
}
