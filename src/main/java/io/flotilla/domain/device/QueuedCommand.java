package io.flotilla.domain.device;

import java.time.Instant;

/**
 * A durable command waiting as a cloud-to-device message: sent to the device each time it subscribes to C2D messages
 * (and at once when it is subscribed), until its PUBACK arrives or it expires.
 *
 * @param messageId the C2D {@code message-id} ({@code $.mid}); also the command invocation's id
 * @param component null for a root command
 * @param body the raw request value, as IoT Central sends it ({@code @} when there is none)
 * @param deliveryCount how many times it was sent
 * @param jobId the command job waiting for its delivery, or null
 */
public record QueuedCommand(String messageId, String deviceId, String component, String name, String body,
                            Instant enqueuedAt, Instant expiresAt, int deliveryCount, String jobId) {

  /** The IoT Central name of the command ({@code component*name} for a component's command), as in direct methods. */
  public String methodName() {
    return component == null ? name : component + "*" + name;
  }
}
