package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.template.CapabilityModel;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@code DeviceProperties} document of the REST API, built from a twin: reported and cloud values at the top
 * level, each level with its own {@code $metadata} ({@code lastUpdateTime}; for desired values {@code desiredValue},
 * {@code desiredVersion}, and Flotilla's {@code ackState}, {@code ackCode}, {@code ackVersion}, {@code ackDescription}).
 */
public final class PropertyView {
  public static final String COMPONENT_MARKER = "__t";

  private PropertyView() {
  }

  /** The whole device: root properties plus one nested object per component. */
  public static ObjectNode ofDevice(Twin twin, Set<String> componentNames) {
    ObjectNode root = scope(twin, null, componentNames);
    Set<String> present = new LinkedHashSet<>();
    collectComponents(twin.reported(), present);
    collectComponents(twin.desired(), present);
    collectComponents(twin.cloud(), present);
    present.addAll(componentNames);
    for (String c : present) {
      ObjectNode comp = scope(twin, c, componentNames);
      if (comp.size() > 0) {
        root.set(c, comp);
      }
    }
    return root;
  }

  /** One scope: the device root ({@code component} null, components excluded) or one component. */
  public static ObjectNode scope(Twin twin, String component, Set<String> componentNames) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode out = f.objectNode();
    ObjectNode meta = f.objectNode();
    ObjectNode reported = level(twin.reported(), component);
    ObjectNode cloud = level(twin.cloud(), component);
    ObjectNode desired = level(twin.desired(), component);
    for (Iterator<Map.Entry<String, JsonNode>> it = reported.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (skip(e.getKey(), e.getValue(), component, componentNames)) {
        continue;
      }
      JsonNode v = e.getValue();
      out.set(e.getKey(), isAck(v) ? v.get("value") : v);
      copyTime(twin.reportedMetadata(), path(component, e.getKey()), meta, e.getKey());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = cloud.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (skip(e.getKey(), e.getValue(), component, componentNames)) {
        continue;
      }
      out.set(e.getKey(), e.getValue());
      copyTime(twin.cloudMetadata(), path(component, e.getKey()), meta, e.getKey());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (skip(e.getKey(), e.getValue(), component, componentNames)) {
        continue;
      }
      String p = path(component, e.getKey());
      long version = twin.desiredMetadata().path(p).path("desiredVersion").asLong(twin.desiredVersion());
      ObjectNode m = meta.has(e.getKey()) ? (ObjectNode) meta.get(e.getKey()) : meta.putObject(e.getKey());
      m.set("desiredValue", e.getValue());
      m.put("desiredVersion", version);
      JsonNode ack = reported.get(e.getKey());
      m.put("ackState", AckState.of(ack, version).wire());
      if (isAck(ack)) {
        m.set("ackCode", ack.get("ac"));
        m.set("ackVersion", ack.get("av"));
        if (ack.has("ad")) {
          m.set("ackDescription", ack.get("ad"));
        }
      }
    }
    if (meta.size() > 0) {
      out.set("$metadata", meta);
    }
    return out;
  }

  /**
   * {@code doc} (a scope from {@link #ofDevice} or {@link #scope}) without the properties {@code model} does not
   * define, and without their {@code $metadata}; a device without template ({@code model} null) has none.
   */
  public static ObjectNode modeledOnly(ObjectNode doc, CapabilityModel model, String component) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (model == null) {
      return out;
    }
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    JsonNode oldMeta = doc.path("$metadata");
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.equals("$metadata")) {
        continue;
      }
      if (component == null && model.component(key).isPresent() && e.getValue() instanceof ObjectNode nested) {
        ObjectNode kept = modeledOnly(nested, model, key);
        if (kept.size() > 0) {
          out.set(key, kept);
        }
      } else if (model.property(component, key).isPresent()) {
        out.set(key, e.getValue());
      }
    }
    for (Iterator<String> it = oldMeta.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (model.property(component, key).isPresent()) {
        meta.set(key, oldMeta.get(key));
      }
    }
    if (meta.size() > 0) {
      out.set("$metadata", meta);
    }
    return out;
  }

  public static String path(String component, String name) {
    return component == null ? name : component + "." + name;
  }

  static ObjectNode level(ObjectNode doc, String component) {
    if (component == null) {
      return doc;
    }
    JsonNode n = doc.get(component);
    return n instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
  }

  static boolean isAck(JsonNode v) {
    return v != null && v.isObject() && v.has("ac") && v.has("av") && v.has("value");
  }

  private static boolean skip(String key, JsonNode value, String component, Set<String> componentNames) {
    if (key.startsWith("$") || key.equals(COMPONENT_MARKER)) {
      return true;
    }
    return component == null && isComponent(key, value, componentNames);
  }

  static boolean isComponent(String key, JsonNode value, Set<String> componentNames) {
    return value.isObject() && (componentNames.contains(key) || value.has(COMPONENT_MARKER));
  }

  static void collectComponents(ObjectNode doc, Set<String> out) {
    doc.fields().forEachRemaining(e -> {
      if (e.getValue().isObject() && e.getValue().has(COMPONENT_MARKER)) {
        out.add(e.getKey());
      }
    });
  }

  private static void copyTime(ObjectNode metadata, String path, ObjectNode meta, String key) {
    JsonNode t = metadata.path(path).get("lastUpdateTime");
    if (t != null) {
      ObjectNode m = meta.has(key) ? (ObjectNode) meta.get(key) : meta.putObject(key);
      m.set("lastUpdateTime", t);
    }
  }
}
