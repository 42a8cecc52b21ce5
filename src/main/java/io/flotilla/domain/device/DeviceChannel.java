package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;

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

  /**
   * Invokes a direct method ({@code component*command} for component commands) and answers the device's reply.
   * A device counts as online once it has subscribed to method requests; with a positive {@code connectTimeout}
   * the call waits that long for it to come online. Fails with {@code NotFound("DeviceNotOnline")} when it does not,
   * and with {@code Timeout} when the device does not answer within {@code responseTimeout}.
   */
  Future<MethodResult> invokeMethod(String deviceId, String methodName, String payloadJson, Duration connectTimeout,
                                    Duration responseTimeout);

  /**
   * Sends a cloud-to-device message with its application and {@code $.}-prefixed system properties to a connected
   * device subscribed to C2D messages. Answers whether it was handed to a session (no queueing for offline devices).
   */
  boolean sendC2d(String deviceId, String body, Map<String, String> properties);

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

    @Override
    public Future<MethodResult> invokeMethod(String deviceId, String methodName, String payloadJson,
                                             Duration connectTimeout, Duration responseTimeout) {
      return Future.failedFuture(new FlotillaException.NotFound("DeviceNotOnline",
          "Device \"" + deviceId + "\" is not online."));
    }

    @Override
    public boolean sendC2d(String deviceId, String body, Map<String, String> properties) {
      return false;
    }
  };
}
