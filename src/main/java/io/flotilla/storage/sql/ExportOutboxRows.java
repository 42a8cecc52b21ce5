package io.flotilla.storage.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** Statements on {@code export_outbox} (V21) that run inside other repositories' transactions. */
final class ExportOutboxRows {
  private ExportOutboxRows() {
  }

  /**
   * Queues entry {@code entry} of job {@code jobId}'s log for every destination of every enabled export of job
   * events: one statement, one row per destination (none when no such export exists).
   */
  static int enqueueJobEntry(Connection c, String jobId, long entry, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO export_outbox (destination_id, export_id, job_id, "
        + "job_entry, created_at, attempts, next_attempt_at) SELECT r.destination_id, r.export_id, ?, ?, ?, 0, ? "
        + "FROM data_export_routes r JOIN data_exports e ON e.id = r.export_id WHERE e.source = 'jobs' "
        + "AND e.enabled = TRUE ORDER BY r.export_id, r.position")) {
      ps.setString(1, jobId);
      ps.setLong(2, entry);
      ps.setTimestamp(3, Timestamp.from(at));
      ps.setTimestamp(4, Timestamp.from(at));
      return ps.executeUpdate();
    }
  }
}
