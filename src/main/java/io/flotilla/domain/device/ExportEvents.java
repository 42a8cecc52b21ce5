package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Events data exports may send (port), told by where they happen: telemetry and reported properties by the device
 * services, connections by the device gateway; device creation and deletion come through the device services'
 * {@code DeviceListener}, job events through the jobs' own log. Calls come from event loops and must return at once;
 * with no export of the event's source they do nothing (callers may ask {@link #wants} before building arguments).
 */
public interface ExportEvents {
  /** Whether any enabled export takes events of {@code source} now. */
  boolean wants(ExportSource source);

  /** A telemetry message of a device ({@code component} null: the root), its values as sent. */
  void telemetry(String deviceId, String component, ObjectNode values, Instant at);

  /** A device's reported-property patch, as merged into its twin. */
  void reportedProperties(String deviceId, ObjectNode patch, Instant at);

  /** A device session started ({@code connected}) or ended. */
  void connectivity(String deviceId, boolean connected, Instant at);

  /** Nothing is exported. */
  ExportEvents NONE = new ExportEvents() {
    @Override
    public boolean wants(ExportSource source) {
      return false;
    }

    @Override
    public void telemetry(String deviceId, String component, ObjectNode values, Instant at) {
    }

    @Override
    public void reportedProperties(String deviceId, ObjectNode patch, Instant at) {
    }

    @Override
    public void connectivity(String deviceId, boolean connected, Instant at) {
    }
  };
}
