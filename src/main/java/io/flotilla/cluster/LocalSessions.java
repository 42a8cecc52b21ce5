package io.flotilla.cluster;

import io.flotilla.domain.device.DeviceChannel;

/** This node's device sessions, as the cluster needs them (the gateway's channel, adapted by the wiring). */
public interface LocalSessions {
  /** The channel to this node's sessions only. */
  DeviceChannel channel();

  boolean connected(String deviceId);

  /** Whether the device's session here accepts method requests. */
  boolean methodReady(String deviceId);

  /** Closes the device's session here if it is session number {@code session}; answers whether it did. */
  boolean close(String deviceId, long session);

  /** Sessions connected here now. */
  int count();
}
