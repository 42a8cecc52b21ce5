package io.flotilla.domain.template;

import java.time.Duration;
import java.util.Optional;

/**
 * A DTDL {@code Command}, with its optional request and response payloads. A {@code durable} command is IoT Central's
 * "Queue if offline": it travels as a cloud-to-device message, waits for an offline device up to {@code timeToLive},
 * and has no response.
 */
public record CommandCapability(String name, Optional<CommandPayload> request, Optional<CommandPayload> response,
                                boolean durable, Duration timeToLive) implements Capability {
  /** IoT Central's time-to-live of an offline command. */
  public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofHours(24);
  /** The longest a cloud-to-device message may wait in IoT Hub (its {@code maxTimeToLive}: 48 hours). */
  public static final Duration MAX_TIME_TO_LIVE = Duration.ofHours(48);
  public static final Duration MIN_TIME_TO_LIVE = Duration.ofMinutes(1);

  /** A standard (synchronous, not queued) command. */
  public CommandCapability(String name, Optional<CommandPayload> request, Optional<CommandPayload> response) {
    this(name, request, response, false, null);
  }

  /** A DTDL {@code CommandPayload}. */
  public record CommandPayload(String name, Schema schema) {}
}
