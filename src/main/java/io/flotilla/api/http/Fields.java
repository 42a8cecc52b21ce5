package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Typed reads of request-body fields; a wrong type or a missing required field is a 400 naming the field. */
public final class Fields {
  private Fields() {
  }

  public static String requiredString(ObjectNode o, String name) {
    String s = optionalString(o, name);
    if (s == null || s.isEmpty()) {
      throw new FlotillaException.Invalid("\"" + name + "\" is required and must be a non-empty string.");
    }
    return s;
  }

  public static String optionalString(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw wrongType(name, "a string", n);
    }
    return n.asText();
  }

  public static Boolean optionalBoolean(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isBoolean()) {
      throw wrongType(name, "a boolean", n);
    }
    return n.asBoolean();
  }

  public static ArrayNode requiredArray(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      throw new FlotillaException.Invalid("\"" + name + "\" is required and must be an array.");
    }
    if (!n.isArray()) {
      throw wrongType(name, "an array", n);
    }
    return (ArrayNode) n;
  }

  public static ObjectNode optionalObject(ObjectNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw wrongType(name, "an object", n);
    }
    return (ObjectNode) n;
  }

  public static ObjectNode requiredObject(ObjectNode o, String name) {
    ObjectNode n = optionalObject(o, name);
    if (n == null) {
      throw new FlotillaException.Invalid("\"" + name + "\" is required and must be an object.");
    }
    return n;
  }

  public static Integer optionalInt(ObjectNode o, String name, int min, int max) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw wrongType(name, "an integer", n);
    }
    int v = n.asInt();
    if (v < min || v > max) {
      throw new FlotillaException.Invalid("\"" + name + "\" must be between " + min + " and " + max + ", not " + v + ".");
    }
    return v;
  }

  public static Instant optionalInstant(ObjectNode o, String name) {
    String s = optionalString(o, name);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new FlotillaException.Invalid("\"" + name + "\" must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z.");
    }
  }

  public static FlotillaException.Invalid wrongType(String name, String expected, JsonNode actual) {
    return new FlotillaException.Invalid("\"" + name + "\" must be " + expected + ", not " + describe(actual) + ".");
  }

  public static String describe(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
