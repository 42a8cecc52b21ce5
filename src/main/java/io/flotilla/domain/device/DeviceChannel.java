package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The way from the domain to live device sessions (port; the MQTT gateway implements it, and a remote
 * implementation can route to another node). Calls never block.
 */
public interface DeviceChannel {
  /** Whether the device has a live session now. */
  boolean isConnected(String deviceId);

  /** Closes the device's live session, if any (device blocked or deleted). */
  void disconnect(String deviceId);

  /** Sends a desired-properties patch with the twin's new desired {@code $version} to a connected device. */
  void pushDesired(String deviceId, ObjectNode patch, long version);

  /** A channel with no devices: used until a gateway is wired, and in tests of the domain alone. */
  DeviceChannel NONE = new DeviceChannel() {
    @Override
    public boolean isConnected(String deviceId) {
      return false;
    }

    @Override
    public void disconnect(String deviceId) {
    }

    @Override
    public void pushDesired(String deviceId, ObjectNode patch, long version) {
    }
  };
}
