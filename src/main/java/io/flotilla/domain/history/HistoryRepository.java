package io.flotilla.domain.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.history.query.TelemetryQuery;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Every telemetry value, kept in one partition per UTC day (port). Partitions are created ahead and dropped whole.
 */
public interface HistoryRepository {
  /** Stores every value of {@code messages} in one batch, creating the partitions of their days if missing. */
  Future<Void> append(List<TelemetryMessage> messages);

  /** Creates the partitions of the days {@code from} to {@code to} (inclusive) that do not exist yet. */
  Future<Void> prepare(LocalDate from, LocalDate to);

  /** Drops the partitions of every day before {@code day}, each whole; answers the days dropped. */
  Future<List<LocalDate>> dropBefore(LocalDate day);

  /** The days that have a partition, oldest first. */
  Future<List<LocalDate>> days();

  /**
   * The records {@code query} selects among values timestamped in [{@code from}, {@code to}), at most {@code limit}:
   * one object per message (or per window of aggregates), keyed by the items' names. The query has been checked
   * against its template (every telemetry it names exists).
   */
  Future<List<ObjectNode>> query(TelemetryQuery query, Instant from, Instant to, int limit);
}
