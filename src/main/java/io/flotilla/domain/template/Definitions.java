package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Every element of a capability model document that has an {@code @id}, so that a string schema or {@code extends}
 * can refer to an interface or complex schema defined inline elsewhere in the same document.
 */
final class Definitions {

  /** An element and the JSON path it was found at. */
  record Located(JsonNode node, String path) {}

  private final Map<String, Located> byId = new HashMap<>();

  static Definitions collect(JsonNode document, String path) {
    Definitions definitions = new Definitions();
    definitions.walk(document, path);
    return definitions;
  }

  Optional<Located> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  private void walk(JsonNode node, String path) {
    if (node.isObject()) {
      JsonNode id = node.get("@id");
      if (id != null && id.isTextual()) {
        byId.putIfAbsent(id.textValue(), new Located(node, path));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        walk(entry.getValue(), DtdlSyntax.field(path, entry.getKey()));
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), DtdlSyntax.index(path, i));
      }
    }
  }
}
