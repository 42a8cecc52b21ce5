package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * Where every telemetry message is kept (port; the telemetry history). Called from event loops: never blocks.
 */
public interface TelemetryArchive {
  /**
   * Takes one message ({@code component} null: the root; {@code values} without {@code $} members, not changed
   * afterwards). Completes once the message is accepted: at once while there is room; when the archive is full, a
   * message that {@code mayWait} (a QoS 1 publish whose PUBACK waits) completes when room frees up and one that may
   * not (QoS 0) is dropped and counted. Fails with {@code Unavailable} when too many messages already wait.
   */
  Future<Void> store(String deviceId, String component, ObjectNode values, Instant at, boolean mayWait);

  /** Keeps nothing. */
  TelemetryArchive NONE = (deviceId, component, values, at, mayWait) -> Future.succeededFuture();
}
