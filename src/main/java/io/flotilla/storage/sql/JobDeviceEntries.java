package io.flotilla.storage.sql;

import io.flotilla.domain.job.Attempt;
import io.flotilla.domain.job.DeviceJobStatus;
import io.flotilla.domain.job.DeviceResult;
import io.flotilla.domain.job.JobDevice;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A job's devices as clients read them: the row, its earlier attempts ({@code job_device_attempts}) and a waiting
 * device's next attempt ({@code job_device_waits}); the side tables are read by key range, once per page.
 */
final class JobDeviceEntries {
  private static final String COLUMNS = "k, device_id, status, error_code, error_message, response_code, updated_at";

  private JobDeviceEntries() {
  }

  /** {@code statuses} null: every row; else the rows of those statuses (their stored codes). */
  static List<JobDevice> page(Connection c, JobSpan span, long after, int limit, Set<DeviceJobStatus> statuses)
      throws SQLException {
    long through = JobDeviceRows.dispatchMark(c, span.jobId());
    String only = statuses == null ? "" : " AND status IN (" + statuses.stream().map(s -> Integer.toString(s.code()))
        .collect(java.util.stream.Collectors.joining(", ")) + ")";
    List<DeviceResult> rows = Rows.query(c, "SELECT " + COLUMNS + " FROM job_devices WHERE k > ? AND k <= ?" + only
        + " ORDER BY k LIMIT ?", rs -> row(rs, span, through), span.key(after), span.last(), limit);
    if (rows.isEmpty()) {
      return List.of();
    }
    return entries(c, span, rows, rows.get(0).seq(), rows.get(rows.size() - 1).seq());
  }

  static Optional<JobDevice> device(Connection c, JobSpan span, String deviceId) throws SQLException {
    long through = JobDeviceRows.dispatchMark(c, span.jobId());
    List<DeviceResult> rows = Rows.query(c, "SELECT " + COLUMNS + " FROM job_devices WHERE k BETWEEN ? AND ? "
        + "AND device_id = ?", rs -> row(rs, span, through), span.first(), span.last(), deviceId);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    long seq = rows.get(0).seq();
    return Optional.of(entries(c, span, rows.subList(0, 1), seq, seq).get(0));
  }

  private static List<JobDevice> entries(Connection c, JobSpan span, List<DeviceResult> rows, long from, long to)
      throws SQLException {
    Map<Long, List<Attempt>> earlier = new HashMap<>();
    for (Object[] a : Rows.query(c, "SELECT k, n, at, status, error_code, error_message, response_code "
        + "FROM job_device_attempts WHERE k BETWEEN ? AND ? ORDER BY k, n", rs -> new Object[] {rs.getLong(1),
            new Attempt(rs.getInt(2), instant(rs.getTimestamp(3)), DeviceJobStatus.of(rs.getInt(4)),
                rs.getString(5), rs.getString(6), (Integer) rs.getObject(7, Integer.class))},
        span.key(from), span.key(to))) {
      earlier.computeIfAbsent(span.seq((Long) a[0]), k -> new ArrayList<>()).add((Attempt) a[1]);
    }
    Map<Long, Instant> next = new HashMap<>();
    for (Object[] w : Rows.query(c, "SELECT k, due_at, deadline FROM job_device_waits WHERE k BETWEEN ? AND ?",
        rs -> new Object[] {rs.getLong(1), instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3))},
        span.key(from), span.key(to))) {
      Instant at = w[1] != null ? (Instant) w[1] : (Instant) w[2];
      if (at != null) {
        next.put(span.seq((Long) w[0]), at);
      }
    }
    List<JobDevice> out = new ArrayList<>(rows.size());
    for (DeviceResult r : rows) {
      List<Attempt> attempts = new ArrayList<>(earlier.getOrDefault(r.seq(), List.of()));
      // a final row is the last attempt; a device that failed at expansion was never attempted
      if (r.status().isFinal() && !"TemplateMismatch".equals(r.errorCode())) {
        attempts.add(new Attempt(attempts.size() + 1, r.at(), r.status(), r.errorCode(), r.errorMessage(),
            r.responseCode()));
      }
      out.add(new JobDevice(r, List.copyOf(attempts),
          r.status() == DeviceJobStatus.WAITING ? next.get(r.seq()) : null));
    }
    return out;
  }

  private static DeviceResult row(ResultSet rs, JobSpan span, long through) throws SQLException {
    long seq = span.seq(rs.getLong(1));
    int status = rs.getInt(3) == JobDeviceRows.PENDING && seq <= through ? JobDeviceRows.DISPATCHED : rs.getInt(3);
    return new DeviceResult(seq, rs.getString(2), DeviceJobStatus.of(status), rs.getString(4), rs.getString(5),
        (Integer) rs.getObject(6, Integer.class), instant(rs.getTimestamp(7)));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
