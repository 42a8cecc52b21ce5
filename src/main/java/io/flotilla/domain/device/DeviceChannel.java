package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The way from the domain to live device sessions (port). The MQTT gateway implements it for this node's sessions;
 * in a cluster, a routing implementation sends each call to the node that holds the device's session and answers
 * what that node answered. Every call is asynchronous and never blocks; a device unknown everywhere is not connected.
 */
public interface DeviceChannel {
  /** Whether the device has a live session now (on any node of the cluster). */
  Future<Boolean> isConnected(String deviceId);

  /** Closes the device's live session, if any (device blocked or deleted); completes once it was asked to close. */
  Future<Void> disconnect(String deviceId);

  /**
   * Sends a desired-properties patch with the twin's new desired {@code $version} to the device if it is connected
   * (nothing happens otherwise: it reads its twin when it connects).
   */
  Future<Void> pushDesired(String deviceId, ObjectNode patch, long version);

  /** {@link #pushDesired(String, ObjectNode, long)} to many devices (a routing channel sends one message per node). */
  default Future<Void> pushDesired(Collection<String> deviceIds, ObjectNode patch, long version) {
    List<Future<Void>> all = new ArrayList<>(deviceIds.size());
    for (String id : deviceIds) {
      all.add(pushDesired(id, patch, version));
    }
    return Future.join(all).mapEmpty();
  }

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
  Future<Boolean> sendC2d(String deviceId, String body, Map<String, String> properties);

  /** The failure of a call to a device that is not online. */
  static FlotillaException.NotFound notOnline(String deviceId) {
    return new FlotillaException.NotFound("DeviceNotOnline", "Device \"" + deviceId + "\" is not online.");
  }

  /** A channel with no devices: used until a gateway is wired, and in tests of the domain alone. */
  DeviceChannel NONE = new DeviceChannel() {
    @Override
    public Future<Boolean> isConnected(String deviceId) {
      return Future.succeededFuture(false);
    }

    @Override
    public Future<Void> disconnect(String deviceId) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> pushDesired(String deviceId, ObjectNode patch, long version) {
      return Future.succeededFuture();
    }

    @Override
    public Future<MethodResult> invokeMethod(String deviceId, String methodName, String payloadJson,
                                             Duration connectTimeout, Duration responseTimeout) {
      return Future.failedFuture(notOnline(deviceId));
    }

    @Override
    public Future<Boolean> sendC2d(String deviceId, String body, Map<String, String> properties) {
      return Future.succeededFuture(false);
    }
  };
}
