package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;

/** A DTDL {@code Array}: a JSON array whose elements all fit {@code elementSchema}. */
public record ArraySchema(Schema elementSchema) implements Schema {

  @Override
  public void check(JsonNode value, String path) {
    if (Mismatch.absent(value) || !value.isArray()) {
      throw Mismatch.expected(path, "an array", value);
    }
    for (int i = 0; i < value.size(); i++) {
      elementSchema.check(value.get(i), (path == null ? "" : path) + "[" + i + "]");
    }
  }
}
