package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A DTDL {@code Object}: named fields, each optional in a value; unknown fields are rejected. */
public record ObjectSchema(List<Field> fields) implements Schema {

  /** One field of an {@link ObjectSchema}. */
  public record Field(String name, Schema schema) {}

  public ObjectSchema {
    fields = List.copyOf(fields);
  }

  public Optional<Field> field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  @Override
  public void check(JsonNode value, String path) {
    if (Mismatch.absent(value) || !value.isObject()) {
      throw Mismatch.expected(path, "an object", value);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      Field field = field(entry.getKey())
          .orElseThrow(() -> Mismatch.at(path, "unknown field \"" + entry.getKey() + "\""));
      field.schema().check(entry.getValue(), Mismatch.child(path, field.name()));
    }
  }
}
