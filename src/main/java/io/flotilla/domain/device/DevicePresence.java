package io.flotilla.domain.device;

/**
 * Told when a device becomes reachable for commands: its session is connected and subscribed to method requests
 * (port; the gateway calls it, the job engine listens). Calls come from event loops and must return at once.
 */
public interface DevicePresence {
  void online(String deviceId);

  DevicePresence NONE = deviceId -> {
  };
}
