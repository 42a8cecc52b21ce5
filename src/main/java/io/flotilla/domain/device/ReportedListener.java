package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Told after a device's reported properties changed (port; the job engine listens for writable-property
 * acknowledgements). {@code reported} is the whole reported document after the change; it must not be modified. Calls
 * come from whatever thread completed the write and must return at once.
 */
public interface ReportedListener {
  void reported(String deviceId, ObjectNode reported);

  ReportedListener NONE = (deviceId, reported) -> {
  };
}
