package io.flotilla.domain.template;

import static io.flotilla.domain.template.DtdlSyntax.field;
import static io.flotilla.domain.template.DtdlSyntax.index;
import static io.flotilla.domain.template.DtdlSyntax.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Parses a template's {@code capabilityModel} (a DTDL v2 Interface with IoT Central extensions). */
final class CapabilityModelParser {

  static final int MAX_CAPABILITIES = 300;

  private static final List<String> CONTENT_TYPES = List.of("Telemetry", "Property", "Command", "Component", "Relationship");

  private final Definitions definitions;
  private final SchemaParser schemas;
  private final Set<String> extending = new HashSet<>();

  private CapabilityModelParser(Definitions definitions) {
    this.definitions = definitions;
    this.schemas = new SchemaParser(definitions);
  }

  static CapabilityModel parse(JsonNode model, String path) {
    if (model == null || model.isNull() || model.isMissingNode()) {
      throw invalid(path, "missing capability model");
    }
    DtdlSyntax.object(model, path);
    CapabilityModelParser parser = new CapabilityModelParser(Definitions.collect(model, path));
    List<ComponentCapability> components = new ArrayList<>();
    InterfaceModel root = parser.parseInterface(model, path, components);
    CapabilityModel parsed = new CapabilityModel(root.id(), root, components);
    if (parsed.capabilityCount() > MAX_CAPABILITIES) {
      throw invalid(path, parsed.capabilityCount() + " capabilities exceed the limit of " + MAX_CAPABILITIES
          + " per template");
    }
    return parsed;
  }

  /** Parses an interface; {@code components} collects its components, or is {@code null} where none are allowed. */
  private InterfaceModel parseInterface(JsonNode node, String path, List<ComponentCapability> components) {
    requireInterface(node, path);
    String id = DtdlSyntax.optionalId(node, path);
    List<Definitions.Located> contents = new ArrayList<>();
    collectContents(node, path, contents);
    List<Telemetry> telemetry = new ArrayList<>();
    List<PropertyCapability> properties = new ArrayList<>();
    List<CommandCapability> commands = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Definitions.Located content : contents) {
      JsonNode item = content.node();
      String at = content.path();
      String type = contentType(item, at);
      String name = DtdlSyntax.name(item, at);
      if (!names.add(name)) {
        throw invalid(at, "duplicate name \"" + name + "\"");
      }
      DtdlSyntax.optionalId(item, at);
      switch (type) {
        case "Telemetry" -> telemetry.add(new Telemetry(name, schema(item, at)));
        case "Property" -> properties.add(property(item, at, name));
        case "Command" -> commands.add(command(item, at, name));
        case "Component" -> {
          if (components == null) {
            throw invalid(at, "a component's interface cannot contain components");
          }
          components.add(new ComponentCapability(name, componentInterface(item, at)));
        }
        default -> { } // Relationship: accepted, not modelled
      }
    }
    return new InterfaceModel(id, telemetry, properties, commands);
  }

  private static void requireInterface(JsonNode node, String path) {
    DtdlSyntax.object(node, path);
    List<String> types = DtdlSyntax.types(node, path);
    if (types.isEmpty()) {
      throw invalid(path, "missing \"@type\"");
    }
    if (!types.contains("Interface")) {
      throw invalid(field(path, "@type"), "expected \"Interface\" but got " + types);
    }
  }

  private void collectContents(JsonNode node, String path, List<Definitions.Located> into) {
    JsonNode contents = node.get("contents");
    if (contents != null && !contents.isNull()) {
      if (!contents.isArray()) {
        throw invalid(field(path, "contents"), "expected an array");
      }
      for (int i = 0; i < contents.size(); i++) {
        String at = index(field(path, "contents"), i);
        into.add(new Definitions.Located(DtdlSyntax.object(contents.get(i), at), at));
      }
    }
    JsonNode parents = node.get("extends");
    if (parents == null || parents.isNull()) {
      return;
    }
    if (parents.isArray()) {
      for (int i = 0; i < parents.size(); i++) {
        extend(parents.get(i), index(field(path, "extends"), i), into);
      }
    } else {
      extend(parents, field(path, "extends"), into);
    }
  }

  private void extend(JsonNode parent, String path, List<Definitions.Located> into) {
    if (parent.isTextual()) {
      String id = parent.textValue();
      Definitions.Located located = referencedInterface(id, path);
      if (!extending.add(id)) {
        throw invalid(path, "interface \"" + id + "\" extends itself");
      }
      try {
        collectContents(located.node(), located.path(), into);
      } finally {
        extending.remove(id);
      }
      return;
    }
    requireInterface(parent, path);
    DtdlSyntax.optionalId(parent, path);
    collectContents(parent, path, into);
  }

  private Definitions.Located referencedInterface(String id, String path) {
    Optional<Definitions.Located> located = definitions.find(id)
        .filter(d -> DtdlSyntax.types(d.node(), d.path()).contains("Interface"));
    return located.orElseThrow(() -> invalid(path, "unknown interface \"" + id + "\" (not defined in this model)"));
  }

  private static String contentType(JsonNode item, String path) {
    List<String> types = DtdlSyntax.types(item, path);
    if (types.isEmpty()) {
      throw invalid(path, "missing \"@type\"");
    }
    List<String> primary = types.stream().filter(CONTENT_TYPES::contains).toList();
    if (primary.size() != 1) {
      throw invalid(field(path, "@type"), "expected exactly one of " + CONTENT_TYPES + " but got " + types);
    }
    return primary.get(0);
  }

  private Schema schema(JsonNode item, String path) {
    return schemas.parse(DtdlSyntax.required(item, "schema", path), field(path, "schema"));
  }

  private PropertyCapability property(JsonNode item, String path, String name) {
    JsonNode writable = item.get("writable");
    if (writable != null && !writable.isBoolean()) {
      throw invalid(field(path, "writable"), "must be a boolean");
    }
    boolean cloud = DtdlSyntax.types(item, path).contains("Cloud");
    return new PropertyCapability(name, schema(item, path), writable != null && writable.booleanValue(), cloud);
  }

  /**
   * A command, with IoT Central's {@code durable} ("Queue if offline", a boolean) and Flotilla's {@code timeToLive}
   * (ISO 8601, only on a durable command; PT1M to PT48H, default PT24H as IoT Central).
   */
  private CommandCapability command(JsonNode item, String at, String name) {
    JsonNode durable = item.get("durable");
    if (durable != null && !durable.isBoolean()) {
      throw invalid(field(at, "durable"), "expected true or false");
    }
    boolean queued = durable != null && durable.booleanValue();
    JsonNode ttl = item.get("timeToLive");
    java.time.Duration timeToLive = null;
    if (ttl != null) {
      if (!queued) {
        throw invalid(field(at, "timeToLive"), "only a durable command (\"durable\": true) has a time to live");
      }
      timeToLive = timeToLive(ttl, field(at, "timeToLive"));
    } else if (queued) {
      timeToLive = CommandCapability.DEFAULT_TIME_TO_LIVE;
    }
    return new CommandCapability(name, payload(item, "request", at), payload(item, "response", at), queued,
        timeToLive);
  }

  private static java.time.Duration timeToLive(JsonNode ttl, String at) {
    java.time.Duration d = null;
    if (ttl.isTextual()) {
      try {
        d = java.time.Duration.parse(ttl.asText());
      } catch (java.time.format.DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.compareTo(CommandCapability.MIN_TIME_TO_LIVE) < 0
        || d.compareTo(CommandCapability.MAX_TIME_TO_LIVE) > 0) {
      throw invalid(at, "expected an ISO 8601 duration from PT1M to PT48H (e.g. \"PT24H\")");
    }
    return d;
  }

  private Optional<CommandCapability.CommandPayload> payload(JsonNode command, String fieldName, String path) {
    JsonNode payload = command.get(fieldName);
    if (payload == null || payload.isNull()) {
      return Optional.empty();
    }
    String at = field(path, fieldName);
    DtdlSyntax.object(payload, at);
    List<String> types = DtdlSyntax.types(payload, at);
    if (!types.isEmpty() && !types.contains("CommandPayload")) {
      throw invalid(field(at, "@type"), "expected \"CommandPayload\" but got " + types);
    }
    String name = DtdlSyntax.name(payload, at);
    return Optional.of(new CommandCapability.CommandPayload(name, schema(payload, at)));
  }

  private InterfaceModel componentInterface(JsonNode component, String path) {
    JsonNode schema = DtdlSyntax.required(component, "schema", path);
    String at = field(path, "schema");
    if (schema.isTextual()) {
      Definitions.Located located = referencedInterface(schema.textValue(), at);
      return parseInterface(located.node(), located.path(), null);
    }
    if (!schema.isObject()) {
      throw invalid(at, "expected an Interface object or the @id of one");
    }
    return parseInterface(schema, at, null);
  }
}
