package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable ("Queue if offline") commands as IoT Central sends them: a cloud-to-device message whose body is the raw
 * request value and whose application property {@code method-name} names the command, stored per device (at most
 * {@value #MAX_PER_DEVICE}, IoT Hub's queue depth) and sent with QoS 1 when the device subscribes to C2D messages, or
 * at once when it is; it is delivered when its PUBACK arrives, and dropped when it expires.
 */
public final class QueuedCommands {
  /** IoT Hub keeps at most 50 cloud-to-device messages per device. */
  public static final int MAX_PER_DEVICE = 50;
  public static final String METHOD_NAME = "method-name";
  private static final Logger LOG = LoggerFactory.getLogger(QueuedCommands.class);

  private final CommandQueue queue;
  private final DeviceChannel channel;
  private final Clock clock;
  private final List<DeliveryListener> listeners = new CopyOnWriteArrayList<>();

  public QueuedCommands(CommandQueue queue, DeviceChannel channel, Clock clock) {
    this.queue = queue;
    this.channel = channel;
    this.clock = clock;
  }

  /** Tells {@code listener} of every delivery from now on. */
  public void onDelivered(DeliveryListener listener) {
    listeners.add(listener);
  }

  /**
   * Stores the command for the device (not sent yet: {@link #send}). Fails like {@link CommandQueue#enqueue}.
   */
  public Future<QueuedCommand> enqueue(String messageId, String deviceId, String component, String name,
                                       JsonNode request, Duration timeToLive, String jobId) {
    Instant now = clock.instant();
    QueuedCommand message = new QueuedCommand(messageId == null ? UUID.randomUUID().toString() : messageId, deviceId,
        component, name, body(request), now, now.plus(timeToLive), 0, jobId);
    return queue.enqueue(message, MAX_PER_DEVICE, now).map(message);
  }

  /**
   * Sends a stored message at once if its device is subscribed to C2D messages (on any node); otherwise it goes when
   * the device next subscribes. Never fails.
   */
  public Future<Void> send(QueuedCommand message) {
    return channel.sendC2d(message.deviceId(), message.body(), properties(message)).compose(sent -> sent
            ? queue.countDelivery(message.deviceId(), message.messageId()) : Future.<Void>succeededFuture())
        .recover(e -> {
          LOG.debug("Sending queued command {} now failed (it goes on connect): {}", message.messageId(), e.toString());
          return Future.succeededFuture();
        });
  }

  /** What a device that just subscribed to C2D messages gets, in order (each counted as one more delivery). */
  public Future<List<QueuedCommand>> forDelivery(String deviceId) {
    return queue.takeForDelivery(deviceId, clock.instant());
  }

  /** A PUBACK for C2D message {@code messageId} arrived from the device; a queued command's leaves the queue. */
  public Future<Void> delivered(String deviceId, String messageId) {
    return queue.delivered(deviceId, messageId, clock.instant()).map(found -> {
      found.ifPresent(d -> listeners.forEach(l -> l.delivered(d)));
      return null;
    });
  }

  /** {@code inv} as of now: a durable command's message still queued past its expiry is expired. */
  public CommandInvocation asOfNow(CommandInvocation inv) {
    CommandInvocation.Queued q = inv.queued();
    Instant now = clock.instant();
    if (q == null || q.stateAt(now) == q.state()) {
      return inv;
    }
    return new CommandInvocation(inv.id(), inv.deviceId(), inv.component(), inv.name(), inv.connectionTimeout(),
        inv.responseTimeout(), inv.request(), inv.response(), inv.responseCode(),
        new CommandInvocation.Queued(q.messageId(), q.stateAt(now), q.expiresAt(), q.expiresAt()));
  }

  /** The messages waiting for a device, in order. */
  public Future<List<QueuedCommand>> waiting(String deviceId) {
    return queue.waiting(deviceId);
  }

  /**
   * The message's properties as IoT Central sets them: {@code $.mid} first (the Java SDK parses properties from the
   * first {@code $.} on), {@code $.to}, {@code iothub-ack=none}, {@code method-name}.
   */
  public static Map<String, String> properties(QueuedCommand m) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("$.mid", m.messageId());
    p.put("$.to", "/devices/" + m.deviceId() + "/messages/deviceBound");
    p.put("iothub-ack", "none");
    p.put(METHOD_NAME, m.methodName());
    return p;
  }

  /**
   * The body IoT Central sends: the raw request value — {@code @} when there is none, a string without its quotes,
   * a number or an object as JSON.
   */
  public static String body(JsonNode request) {
    if (request == null || request.isNull() || request.isMissingNode()) {
      return "@";
    }
    return request.isTextual() ? request.asText() : request.toString();
  }
}
