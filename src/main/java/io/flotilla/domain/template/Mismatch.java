package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.common.FlotillaException;

/** Builds the messages of values that do not fit their schema. */
final class Mismatch {

  private Mismatch() {}

  static boolean absent(JsonNode value) {
    return value == null || value.isNull() || value.isMissingNode();
  }

  static FlotillaException.Invalid expected(String path, String expectation, JsonNode actual) {
    return at(path, "expected " + expectation + " but got " + kindOf(actual));
  }

  static FlotillaException.Invalid at(String path, String problem) {
    String where = path == null || path.isEmpty() ? "value" : path;
    return new FlotillaException.Invalid(where + ": " + problem);
  }

  static String kindOf(JsonNode value) {
    if (absent(value)) {
      return "null";
    }
    return switch (value.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case BOOLEAN -> "a boolean";
      case NUMBER -> value.isIntegralNumber() ? "an integer" : "a number";
      case STRING -> "a string";
      case BINARY -> "binary data";
      default -> "null";
    };
  }

  static String child(String path, String name) {
    return path == null || path.isEmpty() ? name : path + "." + name;
  }
}
