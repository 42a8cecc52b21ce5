package io.flotilla.storage.sql;

import io.flotilla.domain.job.Claim;
import io.flotilla.domain.job.Claimed;
import io.flotilla.domain.job.DeviceJobStatus;
import io.flotilla.domain.job.DeviceResult;
import io.flotilla.domain.job.Lease;
import io.flotilla.domain.job.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Claims under leases and the outcomes recorded under them ({@code job_leases}, {@code job_dispatch},
 * {@code job_device_waits}, {@code job_device_attempts}; V9). The first attempt of a device costs no row of its own
 * here: a claim is one lease row and one move of the job's dispatch mark.
 */
final class LeaseRows {
  private static final int PENDING = JobDeviceRows.PENDING;
  private static final int DISPATCHED = JobDeviceRows.DISPATCHED;
  private static final int WAITING = JobDeviceRows.WAITING;
  /** job_device_waits.reason: why a device waits. */
  static final int FOR_RETRY = 0;
  static final int FOR_CONNECTION = 1;
  static final int FOR_ACKNOWLEDGEMENT = 2;

  /** Why a device that is not final waits: its retry, its connection, or an acknowledgement (a delivery). */
  static int reason(Outcome o) {
    return o.awaitsDelivery() ? FOR_ACKNOWLEDGEMENT : o.awaitsConnection() ? FOR_CONNECTION : FOR_RETRY;
  }

  private LeaseRows() {
  }

  /**
   * Locks the job's dispatch mark without waiting; answers it, or -1 when another transaction holds it. A job
   * without a mark gets one at 0.
   */
  static long lockMark(Connection c, String jobId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT through FROM job_dispatch WHERE job_id = ? FOR UPDATE SKIP LOCKED")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return rs.getLong(1);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM job_dispatch WHERE job_id = ?")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return -1;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_dispatch (job_id, through) VALUES (?, 0)")) {
      ps.setString(1, jobId);
      ps.executeUpdate();
    }
    return 0;
  }

  static boolean running(Connection c, String jobId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status FROM jobs WHERE id = ?")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && "running".equals(rs.getString(1));
      }
    }
  }

  static Claim claim(Connection c, Dialect dialect, JobSpan span, long to, int limit, String holder, Instant expires)
      throws SQLException {
    String jobId = span.jobId();
    // The mark is locked first, then the status read: a stop (whose transition also locks the mark) either commits
    // before this claim (nothing is claimed) or waits for it. Recording results runs alongside.
    long through = lockMark(c, jobId);
    if (through < 0 || !running(c, jobId)) {
      return Claim.NONE;
    }
    List<Object[]> rows = Rows.query(c, "SELECT k, device_id FROM job_devices WHERE k > ? AND k <= ? AND status = "
        + PENDING + " ORDER BY k LIMIT ?", rs -> new Object[] {rs.getLong(1), rs.getString(2)},
        span.key(through), span.key(to), limit + 1);
    boolean exhausted = rows.size() <= limit;
    if (rows.isEmpty()) {
      return new Claim(List.of(), true);
    }
    List<Object[]> taken = rows.subList(0, Math.min(limit, rows.size()));
    long first = span.seq((Long) taken.get(0)[0]);
    long last = span.seq((Long) taken.get(taken.size() - 1)[0]);
    long leaseId = insertLease(c, dialect, jobId, first, last, holder, expires);
    try (PreparedStatement ps = c.prepareStatement("UPDATE job_dispatch SET through = ? WHERE job_id = ?")) {
      ps.setLong(1, last);
      ps.setString(2, jobId);
      ps.executeUpdate();
    }
    List<Claimed> out = new ArrayList<>(taken.size());
    for (Object[] r : taken) {
      out.add(new Claimed((String) r[1], span.seq((Long) r[0]), leaseId, 1));
    }
    return new Claim(out, exhausted);
  }

  static Claim claimDue(Connection c, Dialect dialect, JobSpan span, Instant now, int limit, String holder,
                        Instant expires) throws SQLException {
    String jobId = span.jobId();
    if (lockMark(c, jobId) < 0 || !running(c, jobId)) {
      return Claim.NONE;
    }
    List<Object[]> rows = Rows.query(c, "SELECT k, device_id, attempt FROM job_device_waits WHERE job_no = ? "
        + "AND due_at <= ? AND lease_id IS NULL AND reason <> " + FOR_ACKNOWLEDGEMENT
        + " ORDER BY job_no, due_at LIMIT ?",
        rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getInt(3)}, span.no(), Timestamp.from(now), limit);
    if (rows.isEmpty()) {
      return new Claim(List.of(), true);
    }
    long leaseId = insertLease(c, dialect, jobId, null, null, holder, expires);
    try (PreparedStatement lease = c.prepareStatement("UPDATE job_device_waits SET lease_id = ? WHERE k = ?");
         PreparedStatement status = c.prepareStatement("UPDATE job_devices SET status = " + DISPATCHED
             + " WHERE k = ?")) {
      for (Object[] r : rows) {
        lease.setLong(1, leaseId);
        lease.setLong(2, (Long) r[0]);
        lease.addBatch();
        status.setLong(1, (Long) r[0]);
        status.addBatch();
      }
      lease.executeBatch();
      status.executeBatch();
    }
    List<Claimed> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(new Claimed((String) r[1], span.seq((Long) r[0]), leaseId, (Integer) r[2] + 1));
    }
    return new Claim(out, rows.size() < limit);
  }

  private static long insertLease(Connection c, Dialect dialect, String jobId, Long first, Long last, String holder,
                                  Instant expires) throws SQLException {
    long id;
    try (PreparedStatement ps = c.prepareStatement(dialect.nextValue("job_lease_ids"));
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_leases (id, job_id, first_seq, last_seq, holder, "
        + "expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, jobId);
      ps.setObject(3, first, Types.BIGINT);
      ps.setObject(4, last, Types.BIGINT);
      ps.setString(5, holder);
      ps.setTimestamp(6, Timestamp.from(expires));
      ps.executeUpdate();
    }
    return id;
  }

  /**
   * The leases among {@code ids} that still exist, locked (a recovery of one of them waits, or went first), by id;
   * a lease without a range maps to null.
   */
  static Map<Long, long[]> lockLive(Connection c, Collection<Long> ids) throws SQLException {
    Map<Long, long[]> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    List<Long> list = List.copyOf(ids);
    try (PreparedStatement ps = c.prepareStatement("SELECT id, first_seq, last_seq FROM job_leases WHERE id IN ("
        + JobDeviceRows.placeholders(list.size()) + ") ORDER BY id FOR UPDATE")) {
      for (int i = 0; i < list.size(); i++) {
        ps.setLong(i + 1, list.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Long first = (Long) rs.getObject(2, Long.class);
          out.put(rs.getLong(1), first == null ? null : new long[] {first, rs.getLong(3)});
        }
      }
    }
    return out;
  }

  /** The outcomes of devices their lease holds: in its range, or (a lease without one) named by the device's wait. */
  static List<Outcome> held(Map<Long, long[]> live, List<Outcome> outcomes) {
    List<Outcome> out = new ArrayList<>(outcomes.size());
    for (Outcome o : outcomes) {
      if (!live.containsKey(o.leaseId())) {
        continue;
      }
      long[] range = live.get(o.leaseId());
      if (range == null || (o.result().seq() >= range[0] && o.result().seq() <= range[1])) {
        out.add(o);
      }
    }
    return out;
  }

  /**
   * Writes outcomes of devices held under live leases: final ones settle the device (a retried device's waiting row
   * goes), others leave it waiting until {@code retryAt} with the attempt kept. Every row written names entry
   * {@code event} of the job's log (a final outcome its job_devices row, another its attempt's row). Answers
   * {completed, failed, waiting} recorded.
   */
  static int[] write(Connection c, JobSpan span, List<Outcome> outcomes, long event, Set<Long> rangeless)
      throws SQLException {
    int completed = 0;
    int failed = 0;
    int waiting = 0;
    List<Outcome> finals = new ArrayList<>();
    List<Outcome> retries = new ArrayList<>();
    for (Outcome o : outcomes) {
      (o.isFinal() ? finals : retries).add(o);
    }
    if (!finals.isEmpty()) {
      int[] counts = updateRows(c, span, finals, null, event);
      List<Outcome> retried = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] > 0 || counts[i] == Statement.SUCCESS_NO_INFO) {
          Outcome o = finals.get(i);
          if (o.result().status() == DeviceJobStatus.COMPLETED) {
            completed++;
          } else {
            failed++;
          }
          if (rangeless.contains(o.leaseId())) {
            retried.add(o); // sent again from its wait row (a retry, or woken by its connection): the row goes
          }
        }
      }
      if (!retried.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM job_device_waits WHERE k = ?")) {
          for (Outcome o : retried) {
            ps.setLong(1, span.key(o.result().seq()));
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
    }
    if (!retries.isEmpty()) {
      int[] counts = updateRows(c, span, retries, WAITING, null);
      List<Outcome> written = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] > 0 || counts[i] == Statement.SUCCESS_NO_INFO) {
          written.add(retries.get(i));
        }
      }
      // a device sent again has its wait row: updated; a first attempt's is inserted
      List<Outcome> fresh = new ArrayList<>();
      try (PreparedStatement update = c.prepareStatement("UPDATE job_device_waits SET reason = ?, attempt = ?, "
          + "due_at = ?, deadline = COALESCE(deadline, ?), lease_id = NULL WHERE k = ?")) {
        for (Outcome o : written) {
          update.setInt(1, reason(o));
          update.setInt(2, attemptsMade(o));
          update.setTimestamp(3, timestamp(o.retryAt()));
          update.setTimestamp(4, timestamp(o.deadline()));
          update.setLong(5, span.key(o.result().seq()));
          update.addBatch();
        }
        int[] updated = update.executeBatch();
        for (int i = 0; i < updated.length; i++) {
          if (updated[i] == 0) {
            fresh.add(written.get(i));
          }
        }
      }
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO job_device_waits (k, job_no, device_id, reason, "
          + "attempt, due_at, deadline) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (Outcome o : fresh) {
          insert.setLong(1, span.key(o.result().seq()));
          insert.setLong(2, span.no());
          insert.setString(3, o.result().deviceId());
          insert.setInt(4, reason(o));
          insert.setInt(5, attemptsMade(o));
          insert.setTimestamp(6, timestamp(o.retryAt()));
          insert.setTimestamp(7, timestamp(o.deadline()));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      waiting = written.size();
      try (PreparedStatement attempt = c.prepareStatement("INSERT INTO job_device_attempts (k, n, at, status, "
          + "error_code, error_message, response_code, event_n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Outcome o : written) {
          if (o.retryAt() == null) {
            continue; // the device was not reached (or its queued commands not yet delivered): no attempt yet
          }
          DeviceResult r = o.result();
          attempt.setLong(1, span.key(r.seq()));
          attempt.setInt(2, o.attempt());
          attempt.setTimestamp(3, Timestamp.from(r.at()));
          attempt.setInt(4, r.status().code());
          attempt.setString(5, r.errorCode());
          attempt.setString(6, truncate(r.errorMessage()));
          attempt.setObject(7, r.responseCode(), Types.INTEGER);
          attempt.setLong(8, event);
          attempt.addBatch();
        }
        attempt.executeBatch();
      }
    }
    return new int[] {completed, failed, waiting};
  }

  /**
   * Updates the devices' rows with their attempt's result ({@code status} overrides the result's: waiting), only rows
   * still sent (pending at or below the mark, or dispatched again); a final one names log entry {@code event}. Answers
   * the update counts.
   */
  private static int[] updateRows(Connection c, JobSpan span, List<Outcome> outcomes, Integer status, Long event)
      throws SQLException {
    // a first attempt's row is pending (under a range lease); a retry's is dispatched, its wait naming the lease
    try (PreparedStatement ps = c.prepareStatement("UPDATE job_devices SET status = ?, error_code = ?, "
        + "error_message = ?, response_code = ?, updated_at = ?, event_n = ? WHERE k = ? AND (status = " + PENDING
        + " AND ? = 1 OR status = " + DISPATCHED + " AND k IN (SELECT w.k FROM job_device_waits w WHERE "
        + "w.lease_id = ?))")) {
      for (Outcome o : outcomes) {
        DeviceResult r = o.result();
        ps.setObject(6, event, Types.BIGINT);
        ps.setInt(8, o.attempt());
        ps.setLong(9, o.leaseId());
        ps.setInt(1, status != null ? status : r.status().code());
        ps.setString(2, r.errorCode());
        ps.setString(3, truncate(r.errorMessage()));
        ps.setObject(4, r.responseCode(), Types.INTEGER);
        ps.setTimestamp(5, Timestamp.from(r.at()));
        ps.setLong(7, span.key(r.seq()));
        ps.addBatch();
      }
      return ps.executeBatch();
    }
  }

  static void delete(Connection c, Collection<Long> leaseIds) throws SQLException {
    if (leaseIds.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM job_leases WHERE id = ?")) {
      for (long id : leaseIds) {
        ps.setLong(1, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static int renew(Connection c, String holder, Instant expires) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE job_leases SET expires_at = ? WHERE holder = ?")) {
      ps.setTimestamp(1, Timestamp.from(expires));
      ps.setString(2, holder);
      return ps.executeUpdate();
    }
  }

  static List<Lease> others(Connection c, String holder) throws SQLException {
    return Rows.query(c, "SELECT id, job_id, first_seq, last_seq, holder, expires_at FROM job_leases WHERE holder <> ? "
        + "ORDER BY id", LeaseRows::lease, holder);
  }

  private static Lease lease(ResultSet rs) throws SQLException {
    return new Lease(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3, Long.class),
        (Long) rs.getObject(4, Long.class), rs.getString(5), rs.getTimestamp(6).toInstant());
  }

  static List<Claimed> heldBy(Connection c, JobSpan span, Lease lease) throws SQLException {
    if (lease.first() != null) {
      return Rows.query(c, "SELECT k, device_id FROM job_devices WHERE k BETWEEN ? AND ? AND status = " + PENDING
          + " ORDER BY k", rs -> new Claimed(rs.getString(2), span.seq(rs.getLong(1)), lease.id(), 1),
          span.key(lease.first()), span.key(lease.last()));
    }
    return Rows.query(c, "SELECT k, device_id, attempt FROM job_device_waits WHERE lease_id = ? ORDER BY k",
        rs -> new Claimed(rs.getString(2), span.seq(rs.getLong(1)), lease.id(), rs.getInt(3) + 1), lease.id());
  }

  /** Locks an orphaned lease if it is still as it was read (not renewed, not taken by another engine). */
  static boolean lockOrphan(Connection c, Lease lease) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT holder, expires_at FROM job_leases WHERE id = ? FOR UPDATE")) {
      ps.setLong(1, lease.id());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getString(1).equals(lease.holder())
            && rs.getTimestamp(2).toInstant().equals(lease.expires());
      }
    }
  }

  /** Attempts a waiting device has used: waiting for a connection uses up none (the device was not reached). */
  private static int attemptsMade(Outcome o) {
    return o.retryAt() == null ? o.attempt() - 1 : o.attempt();
  }

  private static Timestamp timestamp(Instant t) {
    return t == null ? null : Timestamp.from(t);
  }

  static String truncate(String s) {
    return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
  }
}
