package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One {@code data[]} entry: {@code target} template, capability {@code path} ({@code name} or
 * {@code component.name}) and {@code value}; or, for a template migration, the target {@code template}.
 * {@code type} is the spelling the client sent, echoed back.
 */
public record JobItem(String type, String target, String path, JsonNode value, String template) {
  /** The entries as they are stored and echoed: {@code [{type, target?, path?, value?, template?}, ...]}. */
  public static ArrayNode toJson(List<JobItem> items) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (JobItem i : items) {
      ObjectNode o = a.addObject().put("type", i.type());
      if (i.target() != null) {
        o.put("target", i.target());
      }
      if (i.path() != null) {
        o.put("path", i.path());
      }
      if (i.value() != null) {
        o.set("value", i.value());
      }
      if (i.template() != null) {
        o.put("template", i.template());
      }
    }
    return a;
  }
}
