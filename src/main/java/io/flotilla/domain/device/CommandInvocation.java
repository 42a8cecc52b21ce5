package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One command run on a device: what was sent and what the device answered.
 *
 * @param component null for a root command
 * @param request the request value as sent (null when none)
 * @param response the device's payload (null when empty)
 * @param queued for a durable command (sent as a C2D message, no response): where its message is; else null
 */
public record CommandInvocation(String id, String deviceId, String component, String name, int connectionTimeout,
                                int responseTimeout, JsonNode request, JsonNode response, int responseCode,
                                Queued queued) {

  /** A direct method's invocation. */
  public CommandInvocation(String id, String deviceId, String component, String name, int connectionTimeout,
                           int responseTimeout, JsonNode request, JsonNode response, int responseCode) {
    this(id, deviceId, component, name, connectionTimeout, responseTimeout, request, response, responseCode, null);
  }

  /** The state of a durable command's message. */
  public enum QueueState {
    QUEUED("queued"), DELIVERED("delivered"), EXPIRED("expired");

    private final String wire;

    QueueState(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static QueueState of(String wire) {
      for (QueueState s : values()) {
        if (s.wire.equals(wire)) {
          return s;
        }
      }
      return QUEUED;
    }
  }

  /**
   * A durable command's message: its {@code message-id}, state, expiry and when it last changed state.
   */
  public record Queued(String messageId, QueueState state, Instant expiresAt, Instant updatedAt) {
    /** The state as seen at {@code now}: a message still queued past its expiry is expired. */
    public QueueState stateAt(Instant now) {
      return state == QueueState.QUEUED && !now.isBefore(expiresAt) ? QueueState.EXPIRED : state;
    }
  }
}
