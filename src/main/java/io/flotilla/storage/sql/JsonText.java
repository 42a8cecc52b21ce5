package io.flotilla.storage.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON documents stored in text columns. */
final class JsonText {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonText() {
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode read(String text) {
    try {
      return text == null ? MAPPER.createObjectNode() : MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored JSON does not parse", e);
    }
  }

  static ObjectNode readObject(String text) {
    JsonNode n = read(text);
    return n instanceof ObjectNode o ? o : MAPPER.createObjectNode();
  }
}
