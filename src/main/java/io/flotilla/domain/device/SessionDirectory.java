package io.flotilla.domain.device;

/**
 * Told when a device's session opens or closes on this node (port; the gateway calls it). In a cluster it keeps the
 * directory of which node holds each device's session, so that calls for a device are routed to that node and a newer
 * connection on one node closes an older one on another. Calls come from event loops and must return at once.
 */
public interface SessionDirectory {
  /** Session {@code session} (a number unique on this node) of the device opened here. */
  void opened(String deviceId, long session);

  /** The device's current session {@code session} on this node closed. */
  void closed(String deviceId, long session);

  SessionDirectory NONE = new SessionDirectory() {
    @Override
    public void opened(String deviceId, long session) {
    }

    @Override
    public void closed(String deviceId, long session) {
    }
  };
}
