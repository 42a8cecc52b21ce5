package io.flotilla.domain.template;

/**
 * A DTDL {@code Property}. {@code writable} is the DTDL flag (desired state the device accepts); {@code cloud}
 * marks an IoT Central cloud property ({@code ["Property","Cloud"]}): stored in the cloud only, never sent to devices.
 */
public record PropertyCapability(String name, Schema schema, boolean writable, boolean cloud) implements Capability {

  /** Whether the REST API may set it: writable device properties and every cloud property. */
  public boolean writableFromApi() {
    return writable || cloud;
  }
}
