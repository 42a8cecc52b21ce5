package io.flotilla.domain.template;

import java.util.List;
import java.util.Optional;

/**
 * The capabilities of one DTDL {@code Interface} (the root or a component's), with {@code extends} merged in.
 * {@code id} is the interface's {@code @id}, or {@code null} when it has none.
 */
public record InterfaceModel(
    String id, List<Telemetry> telemetry, List<PropertyCapability> properties, List<CommandCapability> commands) {

  public InterfaceModel {
    telemetry = List.copyOf(telemetry);
    properties = List.copyOf(properties);
    commands = List.copyOf(commands);
  }

  public Optional<Telemetry> telemetry(String name) {
    return telemetry.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public Optional<PropertyCapability> property(String name) {
    return properties.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  public Optional<CommandCapability> command(String name) {
    return commands.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The telemetry, property or command named {@code name}. */
  public Optional<Capability> capability(String name) {
    return telemetry(name).<Capability>map(c -> c)
        .or(() -> property(name))
        .or(() -> command(name));
  }

  public int capabilityCount() {
    return telemetry.size() + properties.size() + commands.size();
  }
}
