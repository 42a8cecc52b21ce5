package io.flotilla.storage.sql;

import io.flotilla.domain.job.JobEventSink;
import io.flotilla.domain.job.JobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Appends entries to a job's event log ({@code job_events}, V20) inside the transaction that writes what they record.
 * Numbers come from the job's row ({@code jobs.event_seq}), whose lock the transaction then holds to its commit: two
 * transactions of one job append in turn, so entries commit in number order. When an export takes job events, each
 * entry is queued for it in the same transaction (one outbox row per entry and destination).
 */
final class JobLogWrites {
  static final int DEVICES = 0;
  static final int STATUS = 1;

  private final JobEventSink sink;

  JobLogWrites(JobEventSink sink) {
    this.sink = sink;
  }

  JobEventSink sink() {
    return sink;
  }

  /** Takes the next {@code count} entry numbers of the job (locking its row); answers the first. */
  static long reserve(Connection c, String jobId, int count) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET event_seq = event_seq + ? WHERE id = ?")) {
      ps.setInt(1, count);
      ps.setString(2, jobId);
      if (ps.executeUpdate() == 0) {
        throw new IllegalStateException("no job " + jobId);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT event_seq FROM jobs WHERE id = ?")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) - count + 1;
      }
    }
  }

  /** Gives back the last {@code count} numbers taken in this transaction, unused (so numbers have no gaps). */
  static void unreserve(Connection c, String jobId, int count) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET event_seq = event_seq - ? WHERE id = ?")) {
      ps.setInt(1, count);
      ps.setString(2, jobId);
      ps.executeUpdate();
    }
  }

  /** Appends a status change as entry {@code n}. */
  void status(Connection c, String jobId, long n, JobStatus status, String reason, Instant at) throws SQLException {
    insert(c, jobId, n, STATUS, null, null, null, status.wire(), reason, at);
  }

  /** Takes a number and appends a status change with it. */
  void status(Connection c, String jobId, JobStatus status, String reason, Instant at) throws SQLException {
    status(c, jobId, reserve(c, jobId, 1), status, reason, at);
  }

  /** Appends entry {@code n}: {@code count} device outcomes written with {@code event_n = n} in positions first..last. */
  void devices(Connection c, String jobId, long n, long first, long last, int count, Instant at) throws SQLException {
    insert(c, jobId, n, DEVICES, first, last, count, null, null, at);
  }

  private void insert(Connection c, String jobId, long n, int kind, Long first, Long last, Integer count,
                      String status, String reason, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_events (job_id, n, kind, first_seq, last_seq, "
        + "devices, status, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, jobId);
      ps.setLong(2, n);
      ps.setInt(3, kind);
      ps.setObject(4, first, java.sql.Types.BIGINT);
      ps.setObject(5, last, java.sql.Types.BIGINT);
      ps.setObject(6, count, java.sql.Types.INTEGER);
      ps.setString(7, status);
      ps.setString(8, reason);
      ps.setTimestamp(9, Timestamp.from(at));
      ps.executeUpdate();
    }
    if (sink.exported()) {
      ExportOutboxRows.enqueueJobEntry(c, jobId, n, at);
    }
  }
}
