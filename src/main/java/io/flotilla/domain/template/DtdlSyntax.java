package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.common.FlotillaException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The lexical rules of DTDL v2 (names, ids, {@code @type}) and path-naming errors while parsing a model. */
final class DtdlSyntax {

  static final int MAX_NAME_LENGTH = 64;
  static final int MAX_ID_LENGTH = 2048;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z](?:[a-zA-Z0-9_]*[a-zA-Z0-9])?");
  private static final Pattern DTMI = Pattern.compile(
      "dtmi:[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?(?::[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?)*;[1-9][0-9]{0,8}");
  private static final Pattern LEGACY_DTMI = Pattern.compile("dtmi:[A-Za-z0-9_]+(?::[A-Za-z0-9_]+)*");
  private static final Pattern URN = Pattern.compile("urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\\s]+");

  private DtdlSyntax() {}

  static FlotillaException.Invalid invalid(String path, String problem) {
    return new FlotillaException.Invalid(path + ": " + problem);
  }

  static String field(String path, String name) {
    return path + "." + name;
  }

  static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** Whether {@code id} is a DTMI (versioned, or IoT Central's legacy unversioned form) or a URN. */
  static boolean isId(String id) {
    return id.length() <= MAX_ID_LENGTH
        && (DTMI.matcher(id).matches() || LEGACY_DTMI.matcher(id).matches() || URN.matcher(id).matches());
  }

  /** Checks the optional {@code @id} of an element; returns it, or {@code null} when absent. */
  static String optionalId(JsonNode element, String path) {
    JsonNode id = element.get("@id");
    if (id == null) {
      return null;
    }
    if (!id.isTextual() || !isId(id.textValue())) {
      throw invalid(field(path, "@id"), "not a valid DTMI: " + id);
    }
    return id.textValue();
  }

  /** The required, well-formed {@code name} of an element. */
  static String name(JsonNode element, String path) {
    JsonNode name = element.get("name");
    if (name == null || name.isNull()) {
      throw invalid(path, "missing \"name\"");
    }
    if (!name.isTextual()) {
      throw invalid(field(path, "name"), "must be a string");
    }
    String text = name.textValue();
    if (text.length() > MAX_NAME_LENGTH) {
      throw invalid(field(path, "name"), "\"" + text + "\" is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (!NAME.matcher(text).matches()) {
      throw invalid(field(path, "name"),
          "\"" + text + "\" must start with a letter, contain only letters, digits and _, and not end with _");
    }
    return text;
  }

  /** The {@code @type} of an element as a list (a string or an array of strings); empty when absent. */
  static List<String> types(JsonNode element, String path) {
    JsonNode type = element.get("@type");
    List<String> types = new ArrayList<>();
    if (type == null) {
      return types;
    }
    if (type.isTextual()) {
      types.add(type.textValue());
    } else if (type.isArray() && !type.isEmpty()) {
      for (JsonNode member : type) {
        if (!member.isTextual()) {
          throw invalid(field(path, "@type"), "must be a string or an array of strings");
        }
        types.add(member.textValue());
      }
    } else {
      throw invalid(field(path, "@type"), "must be a string or an array of strings");
    }
    return types;
  }

  static JsonNode object(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw invalid(path, "expected an object");
    }
    return node;
  }

  static JsonNode required(JsonNode element, String fieldName, String path) {
    JsonNode value = element.get(fieldName);
    if (value == null || value.isNull()) {
      throw invalid(path, "missing \"" + fieldName + "\"");
    }
    return value;
  }
}
