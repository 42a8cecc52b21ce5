package io.flotilla.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.template.CapabilityModel;
import io.flotilla.domain.template.CommandCapability;
import io.flotilla.domain.template.ComponentCapability;
import io.flotilla.domain.template.InterfaceModel;
import io.flotilla.domain.template.PropertyCapability;
import io.flotilla.domain.template.Telemetry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a simulated device says, as IoT Plug and Play payloads, independent of the transport: telemetry messages, the
 * reported patch after reading the twin (read-only properties once, acknowledgements of desired values not yet
 * acknowledged), acknowledgements of desired patches and command answers. A device without a template
 * ({@code model} null) sends nothing and answers every command 404.
 */
public final class DeviceBehaviour {
  static final String COMPONENT_MARKER = "__t";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final CapabilityModel model;
  private final SimulatedValues values;

  /** One telemetry message: {@code component} null for the root interface. */
  public record Message(String component, ObjectNode body) {
  }

  /** A command answer: {@code body} null for none. */
  public record Answer(int status, JsonNode body) {
  }

  public DeviceBehaviour(CapabilityModel model, SimulatedValues values) {
    this.model = model;
    this.values = values;
  }

  /** The next telemetry: one message for the root and one per component that has telemetry. */
  public List<Message> telemetry() {
    List<Message> out = new ArrayList<>(1);
    if (model == null) {
      return out;
    }
    addTelemetry(out, null, model.root());
    for (ComponentCapability c : model.components()) {
      addTelemetry(out, c.name(), c.schema());
    }
    return out;
  }

  private void addTelemetry(List<Message> out, String component, InterfaceModel i) {
    if (i.telemetry().isEmpty()) {
      return;
    }
    ObjectNode body = JSON.objectNode();
    for (Telemetry t : i.telemetry()) {
      body.set(t.name(), values.next(component == null ? t.name() : component + "." + t.name(), t.schema()));
    }
    out.add(new Message(component, body));
  }

  /**
   * The reported patch after reading the twin ({@code {"desired": {..., "$version"}, "reported": {...}}}): read-only
   * device properties the twin does not report yet, and an acknowledgement at the desired {@code $version} of every
   * desired writable property whose reported acknowledgement is missing, older or for another value. Empty when
   * there is nothing to say.
   */
  public ObjectNode afterTwin(JsonNode twin) {
    ObjectNode patch = JSON.objectNode();
    if (model == null) {
      return patch;
    }
    JsonNode desired = twin.path("desired");
    JsonNode reported = twin.path("reported");
    long version = desired.path("$version").asLong(0);
    reportInterface(patch, null, model.root(), desired, reported, version);
    for (ComponentCapability c : model.components()) {
      reportInterface(patch, c.name(), c.schema(), desired.path(c.name()), reported.path(c.name()), version);
    }
    return patch;
  }

  private void reportInterface(ObjectNode patch, String component, InterfaceModel i, JsonNode desired,
                               JsonNode reported, long version) {
    for (PropertyCapability p : i.properties()) {
      if (p.cloud()) {
        continue;
      }
      if (!p.writable()) {
        if (!reported.has(p.name())) {
          section(patch, component).set(p.name(), values.sample(key(component, p.name()), p.schema()));
        }
        continue;
      }
      JsonNode want = desired.get(p.name());
      if (want == null || want.isNull()) {
        continue;
      }
      JsonNode ack = reported.get(p.name());
      boolean acknowledged = ack != null && ack.path("av").asLong(-1) >= version && want.equals(ack.get("value"))
          && ack.path("ac").asInt() == 200;
      if (!acknowledged) {
        section(patch, component).set(p.name(), ack(want, version));
      }
    }
  }

  /**
   * Acknowledgements of a desired patch ({@code {"name": value, "comp": {"__t": "c", "name": value}, "$version": n}}):
   * every writable property it sets, at {@code version}. Empty when it sets none of them.
   */
  public ObjectNode acknowledge(JsonNode desiredPatch, long version) {
    ObjectNode patch = JSON.objectNode();
    if (model == null || !desiredPatch.isObject()) {
      return patch;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = desiredPatch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Optional<ComponentCapability> component = model.component(e.getKey());
      if (component.isPresent() && e.getValue().isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> inner = e.getValue().fields(); inner.hasNext(); ) {
          Map.Entry<String, JsonNode> f = inner.next();
          if (writable(component.get().schema(), f.getKey()) && !f.getValue().isNull()) {
            section(patch, e.getKey()).set(f.getKey(), ack(f.getValue(), version));
          }
        }
      } else if (writable(model.root(), e.getKey()) && !e.getValue().isNull()) {
        patch.set(e.getKey(), ack(e.getValue(), version));
      }
    }
    return patch;
  }

  /** The answer to direct method {@code method} ({@code component*command} for a component command). */
  public Answer command(String method) {
    int star = method.indexOf('*');
    String component = star < 0 ? null : method.substring(0, star);
    String name = star < 0 ? method : method.substring(star + 1);
    Optional<CommandCapability> command = model == null ? Optional.empty() : model.command(component, name);
    if (command.isEmpty()) {
      return new Answer(404, null);
    }
    return new Answer(200, command.get().response()
        .map(r -> values.sample(key(component, name) + "." + r.name(), r.schema())).orElse(null));
  }

  private static boolean writable(InterfaceModel i, String name) {
    return i.property(name).map(p -> p.writable() && !p.cloud()).orElse(false);
  }

  private static ObjectNode ack(JsonNode value, long version) {
    ObjectNode a = JSON.objectNode();
    a.set("value", value.deepCopy());
    return a.put("ac", 200).put("av", version).put("ad", "completed");
  }

  private static ObjectNode section(ObjectNode patch, String component) {
    if (component == null) {
      return patch;
    }
    JsonNode existing = patch.get(component);
    if (existing instanceof ObjectNode o) {
      return o;
    }
    ObjectNode o = patch.putObject(component);
    o.put(COMPONENT_MARKER, "c");
    return o;
  }

  private static String key(String component, String name) {
    return component == null ? name : component + "." + name;
  }
}
