package io.flotilla.domain.device;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable per-device queue of cloud-to-device command messages (port), in order, bounded per device. A message
 * leaves it when delivered (its PUBACK arrived) or expired; the command history records which.
 */
public interface CommandQueue {
  /**
   * Appends {@code message} after dropping the device's expired messages (their history says expired). Fails with
   * {@code NotFound} for an unknown device and {@code Conflict("DeviceMaximumQueueDepthExceeded")} when {@code bound}
   * messages wait already.
   */
  Future<Void> enqueue(QueuedCommand message, int bound, Instant now);

  /**
   * The device's messages to send now, in order, each counted as one more delivery; expired ones are dropped (history:
   * expired) instead.
   */
  Future<List<QueuedCommand>> takeForDelivery(String deviceId, Instant now);

  /** Counts one more delivery of a message sent at once on enqueueing. */
  Future<Void> countDelivery(String deviceId, String messageId);

  /**
   * The message's PUBACK arrived: it leaves the queue (history: delivered). Answers it as it was (empty if it was not
   * waiting: delivered before, expired, or no queued command) and how many of its job's messages for that device
   * still wait.
   */
  Future<Optional<Delivered>> delivered(String deviceId, String messageId, Instant now);

  /** The messages waiting for a device, in order (expired ones included until they are dropped). */
  Future<List<QueuedCommand>> waiting(String deviceId);

  /** A delivered message and how many messages of the same job still wait for the same device. */
  record Delivered(QueuedCommand message, int jobMessagesLeft) {
  }
}
