package io.flotilla.storage.sql;

import io.flotilla.domain.job.DeviceJobStatus;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobEvent;
import io.flotilla.domain.job.JobEventId;
import io.flotilla.domain.job.JobEventLog;
import io.flotilla.domain.job.JobEventPage;
import io.flotilla.domain.job.JobStatus;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link JobEventLog} on SQL: the entries of {@code job_events} in number order; a device entry's events are the rows
 * of its position range that name it ({@code job_devices} for final outcomes, {@code job_device_attempts} for the
 * attempts after which a device waited), in position order.
 */
public final class SqlJobEventLog implements JobEventLog {
  /** Entries read per call at most (each read of a device entry is bounded by the events still wanted). */
  private static final int ENTRIES_PER_READ = 64;

  private final Database db;
  private final JobSpan.Numbers numbers;

  public SqlJobEventLog(Database db) {
    this.db = db;
    this.numbers = JobSpan.Numbers.of(db);
  }

  private record Entry(long n, int kind, long first, long last, String status, String reason, Instant at) {
  }

  @Override
  public Future<Optional<JobEventPage>> after(String jobId, JobEventId after, int limit) {
    return db.read(c -> {
      // The job and its leases first: when it is final with no device held, nothing is appended after this read, so
      // a log read afterwards that reaches its end is the whole log.
      Optional<Job> job = JobRows.find(c, jobId);
      if (job.isEmpty()) {
        return Optional.<JobEventPage>empty();
      }
      boolean closed = job.get().status().isFinal() && Rows.query(c, "SELECT 1 FROM job_leases WHERE job_id = ? "
          + "FETCH FIRST 1 ROWS ONLY", rs -> 1, jobId).isEmpty();
      List<Entry> entries = entries(c, jobId, after.entry(), ENTRIES_PER_READ);
      List<JobEvent> events = new ArrayList<>();
      boolean end = entries.size() < ENTRIES_PER_READ;
      for (Entry e : entries) {
        int room = limit - events.size();
        if (room <= 0) {
          end = false;
          break;
        }
        long from = e.n == after.entry() ? after.position() : -1;
        if (e.kind == JobLogWrites.STATUS) {
          if (from < 0) {
            events.add(status(jobId, e));
          }
          continue;
        }
        List<JobEvent> devices = devices(c, jobId, e, Math.max(from, 0), room + 1);
        if (devices.size() > room) {
          events.addAll(devices.subList(0, room));
          end = false;
          break;
        }
        events.addAll(devices);
      }
      return Optional.of(new JobEventPage(List.copyOf(events), job.get(), closed && end));
    });
  }

  @Override
  public Future<List<JobEvent>> entry(String jobId, long entry) {
    return db.read(c -> {
      List<Entry> found = entries(c, jobId, entry, 1);
      if (found.isEmpty() || found.get(0).n != entry) {
        return List.<JobEvent>of();
      }
      Entry e = found.get(0);
      return e.kind == JobLogWrites.STATUS ? List.of(status(jobId, e))
          : devices(c, jobId, e, 0, Integer.MAX_VALUE);
    });
  }

  private static List<Entry> entries(Connection c, String jobId, long from, int limit) throws SQLException {
    return Rows.query(c, "SELECT n, kind, first_seq, last_seq, status, reason, at FROM job_events WHERE job_id = ? "
        + "AND n >= ? ORDER BY job_id, n FETCH FIRST " + limit + " ROWS ONLY",
        rs -> new Entry(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6),
            rs.getTimestamp(7).toInstant()), jobId, from);
  }

  private static JobEvent status(String jobId, Entry e) {
    return new JobEvent.StatusChanged(new JobEventId(e.n, 0), JobStatus.fromWire(e.status), e.reason, e.at);
  }

  /**
   * The outcomes entry {@code e} recorded at positions after {@code afterSeq}, in position order, at most
   * {@code limit}: final ones from the devices' rows, attempts after which a device waited from their own rows.
   */
  private List<JobEvent> devices(Connection c, String jobId, Entry e, long afterSeq, int limit) throws SQLException {
    JobSpan span = numbers.of(c, jobId);
    long from = span.key(Math.max(e.first, afterSeq + 1));
    long to = span.key(e.last);
    if (from > to) {
      return List.of();
    }
    List<Object[]> finals = Rows.query(c, "SELECT k, device_id, status, error_code, error_message, response_code, "
        + "updated_at FROM job_devices WHERE k BETWEEN ? AND ? AND event_n = ? ORDER BY k FETCH FIRST " + limit
        + " ROWS ONLY", rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4),
            rs.getString(5), rs.getObject(6, Integer.class), instant(rs.getTimestamp(7))}, from, to, e.n);
    List<Object[]> waits = Rows.query(c, "SELECT a.k, d.device_id, a.status, a.error_code, a.error_message, "
        + "a.response_code, a.at, a.n FROM job_device_attempts a JOIN job_devices d ON d.k = a.k "
        + "WHERE a.k BETWEEN ? AND ? AND a.event_n = ? ORDER BY a.k FETCH FIRST " + limit + " ROWS ONLY",
        rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
            rs.getObject(6, Integer.class), instant(rs.getTimestamp(7)), rs.getInt(8)}, from, to, e.n);
    Map<Long, Integer> earlier = finals.isEmpty() ? Map.of() : attemptCounts(c, (Long) finals.get(0)[0],
        (Long) finals.get(finals.size() - 1)[0]);
    List<JobEvent> out = new ArrayList<>(Math.min(limit, finals.size() + waits.size()));
    int i = 0;
    int j = 0;
    while (out.size() < limit && (i < finals.size() || j < waits.size())) {
      boolean takeFinal = j >= waits.size() || (i < finals.size() && (Long) finals.get(i)[0] < (Long) waits.get(j)[0]);
      Object[] r = takeFinal ? finals.get(i++) : waits.get(j++);
      long k = (Long) r[0];
      int attempt = takeFinal ? earlier.getOrDefault(k, 0) + 1 : (Integer) r[7];
      out.add(new JobEvent.DeviceOutcome(new JobEventId(e.n, span.seq(k)), (String) r[1],
          DeviceJobStatus.of((Integer) r[2]), (String) r[3], (String) r[4], (Integer) r[5],
          takeFinal && "TemplateMismatch".equals(r[3]) ? 0 : attempt, takeFinal, (Instant) r[6]));
    }
    return out;
  }

  /** How many earlier attempts each retried device of keys {@code from..to} had (devices never retried: none). */
  private static Map<Long, Integer> attemptCounts(Connection c, long from, long to) throws SQLException {
    Map<Long, Integer> out = new HashMap<>();
    for (long[] r : Rows.query(c, "SELECT k, COUNT(*) FROM job_device_attempts WHERE k BETWEEN ? AND ? GROUP BY k",
        rs -> new long[] {rs.getLong(1), rs.getLong(2)}, from, to)) {
      out.put(r[0], (int) r[1]);
    }
    return out;
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
