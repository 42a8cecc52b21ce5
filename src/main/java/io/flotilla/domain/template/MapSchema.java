package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** A DTDL {@code Map}: a JSON object with string keys whose values all fit {@code valueSchema}. */
public record MapSchema(String keyName, String valueName, Schema valueSchema) implements Schema {

  @Override
  public void check(JsonNode value, String path) {
    if (Mismatch.absent(value) || !value.isObject()) {
      throw Mismatch.expected(path, "an object (map)", value);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      valueSchema.check(entry.getValue(), Mismatch.child(path, entry.getKey()));
    }
  }
}
