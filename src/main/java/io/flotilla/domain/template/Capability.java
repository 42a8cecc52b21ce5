package io.flotilla.domain.template;

/** A capability a device has and a job or request can address: telemetry, property or command. */
public sealed interface Capability permits Telemetry, PropertyCapability, CommandCapability {

  /** The DTDL name, unique within its interface. */
  String name();
}
