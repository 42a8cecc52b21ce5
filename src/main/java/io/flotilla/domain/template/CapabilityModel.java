package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The parsed capabilities of a device template: the root interface ({@code extends} merged in) and its components.
 * {@code id} is the capability model's {@code @id}, or {@code null} when it has none. Immutable.
 */
public record CapabilityModel(String id, InterfaceModel root, List<ComponentCapability> components) {

  /** Templates may hold at most this many telemetry, properties and commands (root and components together). */
  public static final int MAX_CAPABILITIES = CapabilityModelParser.MAX_CAPABILITIES;

  public CapabilityModel {
    components = List.copyOf(components);
  }

  /**
   * Parses and validates a device template's {@code capabilityModel}.
   *
   * @throws io.flotilla.domain.common.FlotillaException.Invalid naming the offending element by JSON path
   *     (e.g. {@code capabilityModel.contents[2].schema: unknown schema "doubel"})
   */
  public static CapabilityModel parse(JsonNode capabilityModel) {
    return CapabilityModelParser.parse(capabilityModel, "capabilityModel");
  }

  public List<Telemetry> telemetry() {
    return root.telemetry();
  }

  public List<PropertyCapability> properties() {
    return root.properties();
  }

  public List<CommandCapability> commands() {
    return root.commands();
  }

  public Optional<ComponentCapability> component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The interface of {@code component}, or the root interface when {@code component} is {@code null}. */
  public Optional<InterfaceModel> interfaceOf(String component) {
    return component == null ? Optional.of(root) : component(component).map(ComponentCapability::schema);
  }

  /** Telemetry {@code name} of {@code component} ({@code null} for the root). */
  public Optional<Telemetry> telemetry(String component, String name) {
    return interfaceOf(component).flatMap(i -> i.telemetry(name));
  }

  /** Property {@code name} of {@code component} ({@code null} for the root). */
  public Optional<PropertyCapability> property(String component, String name) {
    return interfaceOf(component).flatMap(i -> i.property(name));
  }

  /** Command {@code name} of {@code component} ({@code null} for the root). */
  public Optional<CommandCapability> command(String component, String name) {
    return interfaceOf(component).flatMap(i -> i.command(name));
  }

  /** The capability at {@code path}. */
  public Optional<Capability> resolve(CapabilityPath path) {
    return interfaceOf(path.component()).flatMap(i -> i.capability(path.name()));
  }

  /**
   * The capability a job {@code path} names: {@code name} at the root or {@code componentName.name}.
   *
   * @return empty when no such capability exists
   * @throws io.flotilla.domain.common.FlotillaException.Invalid when the path is malformed
   */
  public Optional<Capability> resolvePath(String path) {
    return resolve(CapabilityPath.parse(path));
  }

  /** Number of telemetry, properties and commands, root and components together. */
  public int capabilityCount() {
    return root.capabilityCount() + components.stream().mapToInt(c -> c.schema().capabilityCount()).sum();
  }
}
