package io.flotilla.domain.export;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The durable queue deliveries are made from (port): a message counts as emitted once it is committed here, and leaves
 * only once its destination took it (at least once). Job log entries are queued by the job's own writes (see
 * {@code JobEventSink#exported}); everything else through {@link #enqueue}.
 */
public interface ExportOutbox {
  /** A message for one destination of one export. */
  record Message(String destinationId, String exportId, String body, Instant at) {
  }

  /**
   * A queued message: its body, or (a job's log entry, built when it is sent) the job and entry; how many attempts
   * failed so far.
   */
  record Delivery(long id, String destinationId, String exportId, String body, String jobId, long jobEntry,
                  Instant created, int attempts) {
  }

  /** Commits {@code messages} in one transaction. */
  Future<Void> enqueue(List<Message> messages);

  /**
   * Up to {@code limit} messages of the destination due at {@code now} (oldest first), leaving out {@code excluded}
   * (those in flight).
   */
  Future<List<Delivery>> due(String destinationId, Instant now, int limit, Collection<Long> excluded);

  /** The destination took these: they leave the queue. */
  Future<Void> delivered(Collection<Long> ids);

  /** An attempt failed: tried again at {@code nextAttempt}. */
  Future<Void> failed(long id, int attempts, Instant nextAttempt, String error);

  /** How many messages wait for the destination. */
  Future<Long> waiting(String destinationId);
}
