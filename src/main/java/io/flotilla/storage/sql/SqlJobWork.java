package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.job.AwaitedAck;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.job.BatchCounts;
import io.flotilla.domain.job.DeviceResult;
import io.flotilla.domain.job.BatchState;
import io.flotilla.domain.job.Claim;
import io.flotilla.domain.job.Claimed;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.job.DeviceSource;
import io.flotilla.domain.job.EngineNode;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobEventSink;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.domain.job.JobWork;
import io.flotilla.domain.job.Lease;
import io.flotilla.domain.job.Outcome;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;

/**
 * {@link JobWork} on SQL: {@code job_devices} (set-based), leases and the exceptions of the lifecycle (V9). Every write
 * that changes a job's status or records device outcomes appends an entry to the job's event log in the same
 * transaction (V20) and tells {@code sink} after the commit.
 */
public final class SqlJobWork implements JobWork {
  private final Database db;
  private final JobSpan.Numbers numbers;
  private final JobLogWrites log;

  public SqlJobWork(Database db) {
    this(db, JobEventSink.NONE);
  }

  public SqlJobWork(Database db, JobEventSink sink) {
    this.db = db;
    this.numbers = JobSpan.Numbers.of(db);
    this.log = new JobLogWrites(sink);
  }

  /** Tells the sink that the job's log grew once {@code write} succeeded. */
  private <T> Future<T> appended(String jobId, Future<T> write) {
    return write.onSuccess(x -> log.sink().appended(jobId));
  }

  @Override
  public Future<Job> expand(Job job, DeviceSource source, Set<String> targets, IntUnaryOperator batchSizeFor,
                            Instant now) {
    return db.transaction(c -> {
      // the dispatch mark's lock (if the job has one yet) before the job's row, in the order a stop takes them
      Rows.query(c, "SELECT through FROM job_dispatch WHERE job_id = ? FOR UPDATE", rs -> 1, job.id());
      Optional<Job> notPending = lockUnlessPending(c, job.id());
      if (notPending.isPresent()) {
        return notPending.get();
      }
      try (PreparedStatement clear = c.prepareStatement("DELETE FROM job_dispatch WHERE job_id = ?");
           PreparedStatement mark = c.prepareStatement("INSERT INTO job_dispatch (job_id, through) VALUES (?, 0)")) {
        clear.setString(1, job.id());
        clear.executeUpdate();
        mark.setString(1, job.id());
        mark.executeUpdate();
      }
      JobSpan span = numbers.of(c, job.id());
      // entry n: running; n + 1: the devices failed at once (another template), if any
      long n = JobLogWrites.reserve(c, job.id(), 2);
      JobDeviceRows.expand(c, span, targets, source, OrganizationScope.of(job.organizations()),
          JobDeviceRows.PENDING, now, numbers, n + 1);
      if (job.options().continuous()) {
        JobDeviceRows.addMembers(c, span);
      }
      long[] t = JobDeviceRows.totals(c, span);
      int batchSize = batchSizeFor.applyAsInt((int) t[0]);
      try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 'running', started_at = ?, total = ?, "
          + "failed = ?, completed = 0, batch_size = ? WHERE id = ?")) {
        ps.setTimestamp(1, Timestamp.from(now));
        ps.setLong(2, t[0]);
        ps.setLong(3, t[1]);
        ps.setInt(4, batchSize);
        ps.setString(5, job.id());
        ps.executeUpdate();
      }
      log.status(c, job.id(), n, JobStatus.RUNNING, null, now);
      if (t[1] > 0) {
        log.devices(c, job.id(), n + 1, 1, t[0], (int) t[1], now);
      } else {
        JobLogWrites.unreserve(c, job.id(), 1);
      }
      return JobRows.find(c, job.id()).orElseThrow();
    }).onSuccess(j -> log.sink().appended(job.id()));
  }

  @Override
  public Future<Job> expandAndApplyDesired(Job job, DeviceSource source, Set<String> targets, Instant now) {
    return db.transaction(c -> {
      Optional<Job> notPending = lockUnlessPending(c, job.id());
      if (notPending.isPresent()) {
        return notPending.get();
      }
      JobSpan span = numbers.of(c, job.id());
      // entry n: every device's outcome (all final at once); n + 1: complete
      long n = JobLogWrites.reserve(c, job.id(), 2);
      int total = JobDeviceRows.expand(c, span, targets, source,
          OrganizationScope.of(job.organizations()), JobDeviceRows.COMPLETED, now, numbers, n);
      // The version is taken once the devices were read: every device the job holds took its twin's baseline before
      // it, so none of them skips the job's value as older than itself.
      long version = DesiredVersions.next(c, db.dialect());
      // the completed rows carry the desired state; the others failed (another template)
      int applied = DesiredOverlays.addJob(c, span, version, now);
      try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 'complete', started_at = ?, "
          + "ended_at = ?, total = ?, failed = ?, completed = ?, desired_version = ? WHERE id = ?")) {
        ps.setTimestamp(1, Timestamp.from(now));
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setLong(3, total);
        ps.setLong(4, total - applied);
        ps.setLong(5, applied);
        ps.setLong(6, version);
        ps.setString(7, job.id());
        ps.executeUpdate();
      }
      if (total > 0) {
        log.devices(c, job.id(), n, 1, total, total, now);
        log.status(c, job.id(), n + 1, JobStatus.COMPLETE, null, now);
      } else {
        log.status(c, job.id(), n, JobStatus.COMPLETE, null, now);
        JobLogWrites.unreserve(c, job.id(), 1);
      }
      return JobRows.find(c, job.id()).orElseThrow();
    }).onSuccess(j -> log.sink().appended(job.id()));
  }

  /** The part of applying a range that differs by kind; answers the desired version it gave the range (or 0). */
  @FunctionalInterface
  private interface RangeWork {
    long apply(Connection c, JobSpan span) throws SQLException;
  }

  /**
   * One transaction: the job must be running and have pending devices in {@code [from, to]}; {@code work} acts on
   * them, then they complete (with the version, if any) and count. Answers the version, -1 when nothing was pending.
   */
  private Future<Long> applyRange(String jobId, long from, long to, Instant now, RangeWork work) {
    return appended(jobId, db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT status FROM jobs WHERE id = ? FOR UPDATE")) {
        ps.setString(1, jobId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !"running".equals(rs.getString(1))) {
            return -1L;
          }
        }
      }
      JobSpan span = numbers.of(c, jobId);
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM job_devices WHERE k BETWEEN ? AND ? "
          + "AND status = " + JobDeviceRows.PENDING + " LIMIT 1")) {
        ps.setLong(1, span.key(from));
        ps.setLong(2, span.key(to));
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return -1L;
          }
        }
      }
      long version = work.apply(c, span);
      long n = JobLogWrites.reserve(c, jobId, 1);
      int done = JobDeviceRows.completeRange(c, span, from, to, version, now, n);
      addCounts(c, jobId, done, 0);
      if (done > 0) {
        log.devices(c, jobId, n, from, to, done, now);
      } else {
        JobLogWrites.unreserve(c, jobId, 1);
      }
      return version;
    }));
  }

  @Override
  public Future<Long> applyDesired(String jobId, long from, long to, Instant now) {
    return applyRange(jobId, from, to, now, (c, span) -> DesiredVersions.next(c, db.dialect()))
        .map(v -> Math.max(0, v));
  }

  @Override
  public Future<Long> applyDesiredAwaitingAck(String jobId, long from, long to, Instant now, Instant deadline) {
    return db.transaction(c -> {
      if (Rows.query(c, "SELECT status FROM jobs WHERE id = ? FOR UPDATE", rs -> rs.getString(1), jobId).stream()
          .noneMatch("running"::equals)) {
        return 0L;
      }
      JobSpan span = numbers.of(c, jobId);
      long version = DesiredVersions.next(c, db.dialect());
      int n;
      try (PreparedStatement ps = c.prepareStatement("UPDATE job_devices SET status = " + JobDeviceRows.WAITING
          + ", desired_version = ?, updated_at = ? WHERE k BETWEEN ? AND ? AND status = " + JobDeviceRows.PENDING)) {
        ps.setLong(1, version);
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setLong(3, span.key(from));
        ps.setLong(4, span.key(to));
        n = ps.executeUpdate();
      }
      if (n == 0) {
        return 0L;
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_device_waits (k, job_no, device_id, reason, "
          + "attempt, deadline) SELECT k, ?, device_id, " + LeaseRows.FOR_ACKNOWLEDGEMENT + ", 1, ? FROM job_devices "
          + "WHERE k BETWEEN ? AND ? AND desired_version = ? AND status = " + JobDeviceRows.WAITING)) {
        ps.setLong(1, span.no());
        ps.setTimestamp(2, deadline == null ? null : Timestamp.from(deadline));
        ps.setLong(3, span.key(from));
        ps.setLong(4, span.key(to));
        ps.setLong(5, version);
        ps.executeUpdate();
      }
      DesiredOverlays.addRange(c, span, from, to, version, now);
      return version;
    });
  }

  @Override
  public Future<List<AwaitedAck>> awaitingAcknowledgement(String jobId, Collection<String> deviceIds) {
    if (deviceIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return db.read(c -> {
      JobSpan span = numbers.of(c, jobId);
      List<AwaitedAck> out = new ArrayList<>();
      List<String> ids = List.copyOf(deviceIds);
      for (int i = 0; i < ids.size(); i += 500) {
        List<String> chunk = ids.subList(i, Math.min(ids.size(), i + 500));
        List<Object> params = new ArrayList<>();
        params.add(span.no());
        params.addAll(chunk);
        out.addAll(Rows.query(c, "SELECT w.k, w.device_id, d.desired_version FROM job_device_waits w "
            + "JOIN job_devices d ON d.k = w.k WHERE w.job_no = ? AND w.reason = " + LeaseRows.FOR_ACKNOWLEDGEMENT
            + " AND w.device_id IN (" + JobDeviceRows.placeholders(chunk.size()) + ")",
            rs -> new AwaitedAck(span.seq(rs.getLong(1)), rs.getString(2), rs.getLong(3)), params.toArray()));
      }
      return out;
    });
  }

  @Override
  public Future<Integer> acknowledge(String jobId, List<DeviceResult> results) {
    if (results.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return appended(jobId, db.transaction(c -> {
      JobSpan span = numbers.of(c, jobId);
      long entry = JobLogWrites.reserve(c, jobId, 1);
      int completed = 0;
      int failed = 0;
      long first = Long.MAX_VALUE;
      long last = 0;
      try (PreparedStatement ps = c.prepareStatement("UPDATE job_devices SET status = ?, error_code = ?, "
          + "error_message = ?, response_code = ?, updated_at = ?, event_n = ? WHERE k = ? AND status = "
          + JobDeviceRows.WAITING);
           PreparedStatement delete = c.prepareStatement("DELETE FROM job_device_waits WHERE k = ?")) {
        for (DeviceResult r : results) {
          ps.setInt(1, r.status().code());
          ps.setString(2, r.errorCode());
          ps.setString(3, LeaseRows.truncate(r.errorMessage()));
          ps.setObject(4, r.responseCode(), java.sql.Types.INTEGER);
          ps.setTimestamp(5, Timestamp.from(r.at()));
          ps.setLong(6, entry);
          ps.setLong(7, span.key(r.seq()));
          ps.addBatch();
          delete.setLong(1, span.key(r.seq()));
          delete.addBatch();
        }
        int[] counts = ps.executeBatch();
        delete.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] > 0) {
            DeviceResult r = results.get(i);
            first = Math.min(first, r.seq());
            last = Math.max(last, r.seq());
            if (r.status() == io.flotilla.domain.job.DeviceJobStatus.COMPLETED) {
              completed++;
            } else {
              failed++;
            }
          }
        }
      }
      if (completed + failed == 0) {
        JobLogWrites.unreserve(c, jobId, 1);
        return 0;
      }
      addCounts(c, jobId, completed, failed);
      log.devices(c, jobId, entry, first, last, completed + failed, results.get(0).at());
      return completed + failed;
    }));
  }

  @Override
  public Future<Integer> applyCloudProperties(String jobId, long from, long to, ObjectNode patch, Instant now) {
    return applyRange(jobId, from, to, now, (c, span) -> {
      // twins locked in the order twin-write batches lock them (Java's, not the database collation's)
      for (String deviceId : new TreeSet<>(JobDeviceRows.pendingIds(c, span, from, to))) {
        CloudPropertyWrite.apply(c, deviceId, patch, now);
      }
      return 0;
    }).map(v -> v < 0 ? 0 : 1);
  }

  @Override
  public Future<Integer> migrateTemplate(String jobId, long from, long to, String templateId, Instant now) {
    return applyRange(jobId, from, to, now, (c, span) -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET template_id = ?, etag = ? WHERE id IN "
          + "(SELECT device_id FROM job_devices WHERE k BETWEEN ? AND ? AND status = " + JobDeviceRows.PENDING + ")")) {
        ps.setString(1, templateId);
        ps.setString(2, Etags.fresh());
        ps.setLong(3, span.key(from));
        ps.setLong(4, span.key(to));
        ps.executeUpdate();
      }
      return 0;
    }).map(v -> v < 0 ? 0 : 1);
  }

  @Override
  public Future<List<String>> completedDeviceIds(String jobId, long from, long to) {
    return db.read(c -> {
      JobSpan span = numbers.of(c, jobId);
      return Rows.query(c, "SELECT device_id FROM job_devices WHERE k BETWEEN ? AND ? AND status IN ("
          + JobDeviceRows.COMPLETED + ", " + JobDeviceRows.WAITING + ") ORDER BY k", rs -> rs.getString(1),
          span.key(from), span.key(to));
    });
  }

  @Override
  public Future<Claim> claim(String jobId, long to, int limit, String holder, Instant expires) {
    return db.transaction(c -> LeaseRows.claim(c, db.dialect(), numbers.of(c, jobId), to, limit, holder, expires));
  }

  @Override
  public Future<Claim> claimDue(String jobId, Instant now, int limit, String holder, Instant expires) {
    return db.transaction(c -> LeaseRows.claimDue(c, db.dialect(), numbers.of(c, jobId), now, limit, holder,
        expires));
  }

  @Override
  public Future<Integer> record(String jobId, List<Outcome> outcomes, Set<Long> finished) {
    if (outcomes.isEmpty() && finished.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return appended(jobId, db.transaction(c -> {
      Set<Long> leases = new HashSet<>(finished);
      for (Outcome o : outcomes) {
        leases.add(o.leaseId());
      }
      // leases first, then the job's row (the log's number), then the devices' rows: the order settleOrphan keeps
      var live = LeaseRows.lockLive(c, leases);
      Set<Long> rangeless = new HashSet<>();
      live.forEach((id, range) -> {
        if (range == null) {
          rangeless.add(id);
        }
      });
      int[] n = writeOutcomes(c, jobId, LeaseRows.held(live, outcomes), rangeless);
      LeaseRows.delete(c, finished.stream().filter(live::containsKey).toList());
      return n[0] + n[1];
    }));
  }

  /**
   * Writes outcomes of held devices as one entry of the job's log (its number names their rows), adds the final ones
   * to the job's counters; answers {completed, failed}.
   */
  private int[] writeOutcomes(Connection c, String jobId, List<Outcome> held, Set<Long> rangeless)
      throws SQLException {
    if (held.isEmpty()) {
      return new int[] {0, 0};
    }
    long entry = JobLogWrites.reserve(c, jobId, 1);
    int[] n = LeaseRows.write(c, numbers.of(c, jobId), held, entry, rangeless);
    addCounts(c, jobId, n[0], n[1]);
    int written = n[0] + n[1] + n[2];
    if (written > 0) {
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (Outcome o : held) {
        first = Math.min(first, o.result().seq());
        last = Math.max(last, o.result().seq());
      }
      log.devices(c, jobId, entry, first, last, written, latestAt(held));
    } else {
      JobLogWrites.unreserve(c, jobId, 1);
    }
    return n;
  }

  /** When the latest of {@code outcomes} happened (the entry's time). */
  private static Instant latestAt(List<Outcome> outcomes) {
    Instant latest = Instant.EPOCH;
    for (Outcome o : outcomes) {
      if (o.result().at() != null && o.result().at().isAfter(latest)) {
        latest = o.result().at();
      }
    }
    return latest;
  }

  @Override
  public Future<BatchCounts> counts(String jobId, long from, long to) {
    return db.read(c -> JobDeviceRows.counts(c, numbers.of(c, jobId), from, to));
  }

  @Override
  public Future<Boolean> hasWaiting(String jobId) {
    return db.read(c -> !Rows.query(c, "SELECT 1 FROM job_device_waits WHERE job_no = ? FETCH FIRST 1 ROWS ONLY",
        rs -> 1, numbers.of(c, jobId).no()).isEmpty());
  }

  @Override
  public Future<Optional<BatchState>> latestBatch(String jobId) {
    return db.read(c -> latest(c, jobId));
  }

  private static Optional<BatchState> latest(Connection c, String jobId) throws SQLException {
    return Rows.query(c, "SELECT batch_no, first_seq, last_seq, status FROM job_batches WHERE job_id = ? "
        + "ORDER BY job_id, batch_no DESC FETCH FIRST 1 ROWS ONLY",
        rs -> new BatchState(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getString(4)), jobId)
        .stream().findFirst();
  }

  @Override
  public Future<Long> firstUnfinished(String jobId) {
    return db.read(c -> {
      JobSpan span = numbers.of(c, jobId);
      List<Long> min = Rows.query(c, "SELECT MIN(k) FROM job_devices WHERE k BETWEEN ? AND ? AND status IN "
          + JobDeviceRows.UNFINISHED, rs -> rs.getObject(1) == null ? null : rs.getLong(1), span.first(), span.last());
      return min.isEmpty() || min.get(0) == null ? 0L : span.seq(min.get(0));
    });
  }

  @Override
  public Future<Boolean> startBatch(String jobId, BatchState batch, Instant now) {
    return db.transaction(c -> {
      // one at a time per job: the dispatch mark's lock (a claim holds it briefly)
      lockMark(c, jobId);
      if (!Rows.query(c, "SELECT 1 FROM job_batches WHERE job_id = ? AND batch_no = ?", rs -> 1, jobId, batch.no())
          .isEmpty()) {
        return false;
      }
      insertBatch(c, jobId, batch, now);
      return true;
    });
  }

  @Override
  public Future<Boolean> endBatch(String jobId, int no, String status, BatchCounts counts, BatchState next,
                                  JobStatus jobTo, String reason, Instant now) {
    return appended(jobId, db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE job_batches SET status = ?, ended_at = ?, completed = ?, "
          + "failed = ? WHERE job_id = ? AND batch_no = ? AND status = '" + BatchState.RUNNING + "'")) {
        ps.setString(1, status);
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setLong(3, counts.completed());
        ps.setLong(4, counts.failed());
        ps.setString(5, jobId);
        ps.setInt(6, no);
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      if (next != null) {
        insertBatch(c, jobId, next, now);
      }
      if (jobTo != null) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = ?, ended_at = ?, status_reason = ? "
            + "WHERE id = ? AND status = 'running'")) {
          ps.setString(1, jobTo.wire());
          ps.setTimestamp(2, jobTo.isFinal() ? Timestamp.from(now) : null);
          ps.setString(3, reason);
          ps.setString(4, jobId);
          if (ps.executeUpdate() > 0) {
            log.status(c, jobId, jobTo, reason, now);
          }
        }
      }
      return true;
    }));
  }

  private static void insertBatch(Connection c, String jobId, BatchState b, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_batches (job_id, batch_no, first_seq, last_seq, "
        + "status, started_at) VALUES (?, ?, ?, ?, '" + BatchState.RUNNING + "', ?)")) {
      ps.setString(1, jobId);
      ps.setInt(2, b.no());
      ps.setLong(3, b.first());
      ps.setLong(4, b.last());
      ps.setTimestamp(5, Timestamp.from(now));
      ps.executeUpdate();
    }
  }

  /** Locks the job's dispatch mark, waiting for it (creating it at 0). */
  private static void lockMark(Connection c, String jobId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT through FROM job_dispatch WHERE job_id = ? FOR UPDATE")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    LeaseRows.lockMark(c, jobId);
  }

  @Override
  public Future<Optional<Instant>> nextDue(String jobId) {
    return db.read(c -> {
      long no = numbers.of(c, jobId).no();
      List<Timestamp> next = Rows.query(c, "SELECT MIN(due_at), MIN(CASE WHEN due_at IS NULL THEN deadline END) "
          + "FROM job_device_waits WHERE job_no = ? AND lease_id IS NULL", rs -> {
            Timestamp due = rs.getTimestamp(1);
            Timestamp deadline = rs.getTimestamp(2);
            return due == null ? deadline : deadline == null || due.before(deadline) ? due : deadline;
          }, no);
      return next.isEmpty() || next.get(0) == null ? Optional.<Instant>empty()
          : Optional.of(next.get(0).toInstant());
    });
  }

  @Override
  public Future<List<String>> awaitingConnection(String jobId) {
    return db.read(c -> Rows.query(c, "SELECT device_id FROM job_device_waits WHERE job_no = ? AND reason = "
        + LeaseRows.FOR_CONNECTION + " AND due_at IS NULL AND lease_id IS NULL", rs -> rs.getString(1), numbers.of(c, jobId).no()));
  }

  @Override
  public Future<Integer> join(String jobId, DeviceFilter filter, Set<String> targets, Collection<String> deviceIds,
                              Instant now) {
    if (deviceIds.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return appended(jobId, db.transaction(c -> {
      // the job's row is locked: joins of one job take their positions one after the other
      List<String[]> locked = Rows.query(c, "SELECT status, organizations FROM jobs WHERE id = ? FOR UPDATE",
          rs -> new String[] {rs.getString(1), rs.getString(2)}, jobId);
      if (locked.stream().noneMatch(st -> "running".equals(st[0]) || "stopped".equals(st[0]))) {
        return 0;
      }
      OrganizationScope scope = OrganizationScope.of(Rows.splitOrgs(locked.get(0)[1]));
      JobSpan span = numbers.of(c, jobId);
      long entry = JobLogWrites.reserve(c, jobId, 1);
      int joined = 0;
      int failed = 0;
      long first = Long.MAX_VALUE;
      long last = 0;
      List<String> ids = new ArrayList<>(new TreeSet<>(deviceIds));
      for (int i = 0; i < ids.size(); i += 500) {
        long[] r = JobDeviceRows.join(c, span, filter, scope, targets, ids.subList(i, Math.min(ids.size(), i + 500)), now,
            entry);
        joined += (int) r[0];
        failed += (int) r[1];
        if (r[0] > 0) {
          first = Math.min(first, r[2]);
          last = Math.max(last, r[3]);
        }
      }
      if (failed > 0) {
        log.devices(c, jobId, entry, first, last, failed, now); // devices that joined and failed at once
      } else {
        JobLogWrites.unreserve(c, jobId, 1);
      }
      return joined;
    }));
  }

  @Override
  public Future<Integer> wake(Collection<String> deviceIds, Instant now) {
    if (deviceIds.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return db.transaction(c -> {
      int n = 0;
      try (PreparedStatement ps = c.prepareStatement("UPDATE job_device_waits SET due_at = ? WHERE device_id = ? "
          + "AND reason = " + LeaseRows.FOR_CONNECTION + " AND due_at IS NULL AND lease_id IS NULL")) {
        // in one order, so two wakes never lock rows the other way round
        for (String id : new TreeSet<>(deviceIds)) {
          ps.setTimestamp(1, Timestamp.from(now));
          ps.setString(2, id);
          ps.addBatch();
        }
        for (int count : ps.executeBatch()) {
          n += Math.max(0, count);
        }
      }
      return n;
    });
  }

  @Override
  public Future<Integer> expireWaits(String jobId, Instant now, String message) {
    return appended(jobId, db.transaction(c -> {
      JobSpan span = numbers.of(c, jobId);
      // the job's row (its log's next number) before the waits' rows, as result writes take them
      long entry = JobLogWrites.reserve(c, jobId, 1);
      List<Long> keys = Rows.query(c, "SELECT k FROM job_device_waits WHERE job_no = ? AND reason <> "
          + LeaseRows.FOR_RETRY + " AND due_at IS NULL AND lease_id IS NULL AND deadline <= ? ORDER BY k FOR UPDATE",
          rs -> rs.getLong(1), span.no(), Timestamp.from(now));
      int failed = 0;
      try (PreparedStatement fail = c.prepareStatement("UPDATE job_devices SET status = " + JobDeviceRows.FAILED
          + ", error_code = 'DeviceNotOnline', error_message = ?, response_code = NULL, updated_at = ?, event_n = ? "
          + "WHERE k = ? AND status = " + JobDeviceRows.WAITING);
           PreparedStatement delete = c.prepareStatement("DELETE FROM job_device_waits WHERE k = ?")) {
        for (long k : keys) {
          fail.setString(1, LeaseRows.truncate(message));
          fail.setTimestamp(2, Timestamp.from(now));
          fail.setLong(3, entry);
          fail.setLong(4, k);
          fail.addBatch();
          delete.setLong(1, k);
          delete.addBatch();
        }
        if (!keys.isEmpty()) {
          for (int count : fail.executeBatch()) {
            failed += Math.max(0, count);
          }
          delete.executeBatch();
        }
      }
      if (failed == 0) {
        JobLogWrites.unreserve(c, jobId, 1);
        return 0;
      }
      addCounts(c, jobId, 0, failed);
      log.devices(c, jobId, entry, span.seq(keys.get(0)), span.seq(keys.get(keys.size() - 1)), failed, now);
      return failed;
    }));
  }

  @Override
  public Future<java.util.Map<String, Long>> leasedDevices(Instant now) {
    return db.read(c -> {
      java.util.Map<String, Long> out = new java.util.TreeMap<>();
      for (Object[] r : Rows.query(c, "SELECT holder, SUM(last_seq - first_seq + 1) FROM job_leases "
          + "WHERE expires_at > ? GROUP BY holder", rs -> new Object[] {rs.getString(1), rs.getLong(2)},
          java.sql.Timestamp.from(now))) {
        out.put((String) r[0], (Long) r[1]);
      }
      return out;
    });
  }

  @Override
  public Future<Integer> renew(String holder, Instant expires) {
    return db.transaction(c -> LeaseRows.renew(c, holder, expires));
  }

  @Override
  public Future<List<Lease>> orphanedLeases(EngineNode node, Instant now, boolean earlierInstances) {
    return db.read(c -> {
      List<Lease> out = new ArrayList<>();
      for (Lease l : LeaseRows.others(c, node.holder())) {
        if (l.expires().isBefore(now) || earlierInstances && node.sameNode(l.holder())) {
          out.add(l);
        }
      }
      return out;
    });
  }

  @Override
  public Future<List<Claimed>> heldBy(Lease lease) {
    return db.read(c -> LeaseRows.heldBy(c, numbers.of(c, lease.jobId()), lease));
  }

  @Override
  public Future<Boolean> settleOrphan(Lease lease, List<Outcome> outcomes, Instant now) {
    return appended(lease.jobId(), db.transaction(c -> {
      if (!LeaseRows.lockOrphan(c, lease)) {
        return false;
      }
      writeOutcomes(c, lease.jobId(), outcomes, lease.first() == null ? Set.of(lease.id()) : Set.of());
      LeaseRows.delete(c, List.of(lease.id()));
      return true;
    }));
  }

  /**
   * Locks the job's row; answers the job when it is no longer pending (a stop won the race: expand nothing), empty
   * when it is pending (expand it; a concurrent stop waits for this transaction).
   */
  private static Optional<Job> lockUnlessPending(Connection c, String jobId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status FROM jobs WHERE id = ? FOR UPDATE")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && "pending".equals(rs.getString(1))) {
          return Optional.empty();
        }
      }
    }
    return JobRows.find(c, jobId);
  }

  private static void addCounts(Connection c, String jobId, int completed, int failed) throws SQLException {
    if (completed == 0 && failed == 0) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE jobs SET completed = completed + ?, failed = failed + ? WHERE id = ?")) {
      ps.setInt(1, completed);
      ps.setInt(2, failed);
      ps.setString(3, jobId);
      ps.executeUpdate();
    }
  }
}
