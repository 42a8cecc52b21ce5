package io.flotilla.domain.device;

import io.flotilla.domain.common.FlotillaException;

/**
 * What an export sends (IoT Central's {@code source}, plus Flotilla's {@code jobs}: the job event logs). IoT Central's
 * {@code deviceTemplateLifecycle} and {@code audit} are not produced by Flotilla (400).
 */
public enum ExportSource {
  TELEMETRY("telemetry"),
  PROPERTIES("properties"),
  DEVICE_LIFECYCLE("deviceLifecycle"),
  DEVICE_CONNECTIVITY("deviceConnectivity"),
  JOBS("jobs");

  private final String wire;

  ExportSource(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Fails with {@code Invalid} for anything else. */
  public static ExportSource fromWire(String s) {
    for (ExportSource v : values()) {
      if (v.wire.equals(s)) {
        return v;
      }
    }
    if ("deviceTemplateLifecycle".equals(s) || "audit".equals(s)) {
      throw new FlotillaException.Invalid("Export source \"" + s + "\" is not supported by Flotilla; use telemetry, "
          + "properties, deviceLifecycle, deviceConnectivity or jobs.");
    }
    throw new FlotillaException.Invalid("\"source\" must be one of telemetry, properties, deviceLifecycle, "
        + "deviceConnectivity, jobs.");
  }
}
