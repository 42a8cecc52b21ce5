package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.template.CapabilityModel;
import io.flotilla.domain.template.PropertyCapability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A validated set of property writes (desired and cloud), and how it changes a twin. */
final class PropertyChanges {
  /** One property write; a null value (JSON null) removes it. */
  record Change(String component, String name, JsonNode value, boolean cloud) {
  }

  private final List<Change> changes;

  private PropertyChanges(List<Change> changes) {
    this.changes = changes;
  }

  /**
   * Validates a request body of the given scope. Keys naming a component of the model hold that component's writes.
   * {@code unmodeled}: names the model (null: none) lacks are accepted as desired properties, their values unchecked.
   */
  static PropertyChanges of(CapabilityModel model, String scope, ObjectNode body, boolean unmodeled) {
    List<Change> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : iterable(body)) {
      String key = e.getKey();
      if (key.equals("$metadata")) {
        continue;
      }
      if (scope == null && model != null && model.component(key).isPresent()) {
        if (!e.getValue().isObject()) {
          throw new FlotillaException.Invalid("\"" + key + "\" is a component: its value must be an object of properties.");
        }
        for (Map.Entry<String, JsonNode> c : iterable((ObjectNode) e.getValue())) {
          if (c.getKey().equals("$metadata") || c.getKey().equals(PropertyView.COMPONENT_MARKER)) {
            continue;
          }
          out.add(change(model, key, c.getKey(), c.getValue(), unmodeled));
        }
      } else {
        out.add(change(model, scope, key, e.getValue(), unmodeled));
      }
    }
    if (out.isEmpty()) {
      throw new FlotillaException.Invalid("The request names no property to set.");
    }
    return new PropertyChanges(out);
  }

  private static Change change(CapabilityModel model, String component, String name, JsonNode value,
                               boolean unmodeled) {
    if (unmodeled && (model == null || model.property(component, name).isEmpty())) {
      return new Change(component, name, value, false);
    }
    PropertyCapability p = PropertyService.writable(model, component, name, value);
    return new Change(component, name, value, p.cloud());
  }

  /** PUT semantics: adds removals for every stored desired or cloud value of the scope that the body leaves out. */
  PropertyChanges withRemovalsFrom(Twin twin, String scope, CapabilityModel model) {
    List<Change> all = new ArrayList<>(changes);
    addRemovals(all, PropertyView.level(twin.desired(), scope), scope, false, model);
    addRemovals(all, PropertyView.level(twin.cloud(), scope), scope, true, model);
    return new PropertyChanges(all);
  }

  private void addRemovals(List<Change> all, ObjectNode level, String scope, boolean cloud, CapabilityModel model) {
    for (Map.Entry<String, JsonNode> e : iterable(level)) {
      String key = e.getKey();
      if (key.startsWith("$") || key.equals(PropertyView.COMPONENT_MARKER)) {
        continue;
      }
      if (scope == null && model != null && model.component(key).isPresent()) {
        for (Map.Entry<String, JsonNode> c : iterable(PropertyView.level(level, key))) {
          if (!c.getKey().equals(PropertyView.COMPONENT_MARKER) && !mentions(key, c.getKey())) {
            all.add(new Change(key, c.getKey(), NullNode.instance, cloud));
          }
        }
      } else if (!mentions(scope, key)) {
        all.add(new Change(scope, key, NullNode.instance, cloud));
      }
    }
  }

  private boolean mentions(String component, String name) {
    return changes.stream().anyMatch(c -> java.util.Objects.equals(c.component(), component) && c.name().equals(name));
  }

  boolean changesDesired() {
    return changes.stream().anyMatch(c -> !c.cloud());
  }

  /** The twin after the writes: one new desired version for all desired writes of this request. */
  Twin applyTo(Twin twin, String now, java.util.function.LongSupplier nextDesiredVersion) {
    ObjectNode desired = twin.desired().deepCopy();
    ObjectNode desiredMeta = twin.desiredMetadata().deepCopy();
    ObjectNode cloud = twin.cloud().deepCopy();
    ObjectNode cloudMeta = twin.cloudMetadata().deepCopy();
    long version = changesDesired() ? nextDesiredVersion.getAsLong() : twin.desiredVersion();
    for (Change c : changes) {
      String path = PropertyView.path(c.component(), c.name());
      ObjectNode doc = c.cloud() ? cloud : desired;
      ObjectNode level = c.component() == null ? doc : componentLevel(doc, c.component());
      if (c.value().isNull()) {
        level.remove(c.name());
        if (c.cloud()) {
          cloudMeta.remove(path);
        } else {
          // a tombstone: an older property-job value folded in later must not bring the property back
          desiredMeta.putObject(path).put("desiredVersion", version).put("removed", true).put("lastUpdateTime", now);
        }
      } else {
        level.set(c.name(), c.value());
        ObjectNode m = JsonNodeFactory.instance.objectNode().put("lastUpdateTime", now);
        if (!c.cloud()) {
          m.put("desiredVersion", version);
        }
        (c.cloud() ? cloudMeta : desiredMeta).set(path, m);
      }
    }
    return new Twin(desired, version, desiredMeta, twin.reported(), twin.reportedVersion(),
        twin.reportedMetadata(), cloud, cloudMeta);
  }

  /** The desired patch a connected device receives (component values carry {@code "__t": "c"}). */
  ObjectNode desiredPatch() {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    for (Change c : changes) {
      if (!c.cloud()) {
        (c.component() == null ? patch : componentLevel(patch, c.component())).set(c.name(), c.value());
      }
    }
    return patch;
  }

  /**
   * The 202 answer: desired values under {@code $metadata}, cloud values at their level. For a component-scoped
   * request ({@code scope} the component) the answer is un-nested, like the request body.
   */
  ObjectNode echo(long desiredVersion, String scope) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Change c : changes) {
      if (c.value().isNull()) {
        continue;
      }
      ObjectNode level = c.component() == null || c.component().equals(scope) ? out : child(out, c.component());
      if (c.cloud()) {
        level.set(c.name(), c.value());
      } else {
        child(level, "$metadata").putObject(c.name()).put("desiredVersion", desiredVersion).set("desiredValue", c.value());
      }
    }
    return out;
  }

  private static ObjectNode componentLevel(ObjectNode doc, String component) {
    ObjectNode level = child(doc, component);
    level.put(PropertyView.COMPONENT_MARKER, "c");
    return level;
  }

  private static ObjectNode child(ObjectNode parent, String name) {
    JsonNode n = parent.get(name);
    if (n instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(name);
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(ObjectNode o) {
    return o::fields;
  }
}
