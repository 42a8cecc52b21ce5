package io.flotilla.storage.sql;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.job.BatchCounts;
import io.flotilla.domain.job.Claimed;
import io.flotilla.domain.job.DesiredPatch;
import io.flotilla.domain.job.DeviceResult;
import io.flotilla.domain.job.DeviceSource;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobKind;
import io.flotilla.domain.job.JobRepository;
import io.flotilla.domain.job.JobStatus;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;

public final class SqlJobRepository implements JobRepository {
  private final Database db;
  private final JobSpan.Numbers numbers = new JobSpan.Numbers();

  public SqlJobRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> insert(Job job) {
    return db.transaction(c -> {
      if (JobRows.find(c, job.id()).isPresent()) {
        throw new FlotillaException.Conflict("A job with id \"" + job.id() + "\" already exists.");
      }
      long no;
      try (PreparedStatement ps = c.prepareStatement(db.dialect().nextValue("job_numbers"));
           ResultSet rs = ps.executeQuery()) {
        rs.next();
        no = rs.getLong(1);
      }
      JobRows.insert(c, job, no);
      numbers.remember(job.id(), no);
      return null;
    });
  }

  @Override
  public Future<Optional<Job>> find(String id) {
    return db.read(c -> JobRows.find(c, id));
  }

  @Override
  public Future<Page<Job>> list(PageRequest page) {
    return db.read(c -> Page.of(JobRows.query(c, "WHERE id > ? ORDER BY id LIMIT ?", after(page), page.limit() + 1),
        page.limit(), Job::id));
  }

  @Override
  public Future<Page<Job>> listByScheduledJob(String scheduledJobId, PageRequest page) {
    return db.read(c -> Page.of(JobRows.query(c, "WHERE scheduled_job_id = ? AND id > ? ORDER BY scheduled_job_id, id "
        + "LIMIT ?", scheduledJobId, after(page), page.limit() + 1), page.limit(), Job::id));
  }

  @Override
  public Future<List<Job>> unfinished() {
    return db.read(c -> JobRows.query(c, "WHERE status IN ('pending', 'running', 'stopped') ORDER BY created_at"));
  }

  @Override
  public Future<Page<DeviceResult>> devices(String jobId, PageRequest page) {
    long after = page.after() == null ? 0 : parseSeq(page.after());
    return db.read(c -> Page.of(JobDeviceRows.page(c, numbers.of(c, jobId), after, page.limit() + 1), page.limit(),
        r -> Long.toString(r.seq())));
  }

  @Override
  public Future<Job> expand(Job job, DeviceSource source, IntUnaryOperator batchSizeFor, Instant now) {
    return db.transaction(c -> {
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
      JobDeviceRows.expand(c, span, job, source, JobDeviceRows.PENDING, now, numbers);
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
      return JobRows.find(c, job.id()).orElseThrow();
    });
  }

  @Override
  public Future<Job> expandAndApplyProperties(Job job, DeviceSource source, Instant now) {
    return db.transaction(c -> {
      Optional<Job> notPending = lockUnlessPending(c, job.id());
      if (notPending.isPresent()) {
        return notPending.get();
      }
      JobSpan span = numbers.of(c, job.id());
      int total = JobDeviceRows.expand(c, span, job, source, JobDeviceRows.COMPLETED, now, numbers);
      // The version is taken once the devices were read: every device the job holds took its twin's baseline before
      // it, so none of them skips the job's value as older than itself.
      long version = nextDesiredVersion(c);
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
      return JobRows.find(c, job.id()).orElseThrow();
    });
  }

  @Override
  public Future<Long> applyRange(Job job, long fromSeq, long toSeq, Instant now) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT status FROM jobs WHERE id = ? FOR UPDATE")) {
        ps.setString(1, job.id());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !"running".equals(rs.getString(1))) {
            return 0L;
          }
        }
      }
      JobSpan span = numbers.of(c, job.id());
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM job_devices WHERE k BETWEEN ? AND ? "
          + "AND status = " + JobDeviceRows.PENDING + " LIMIT 1")) {
        ps.setLong(1, span.key(fromSeq));
        ps.setLong(2, span.key(toSeq));
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return 0L;
          }
        }
      }
      long version = 0;
      if (job.kind() == JobKind.PROPERTY) {
        version = nextDesiredVersion(c);
      } else if (job.kind() == JobKind.CLOUD_PROPERTY) {
        // twins locked in the order twin-write batches lock them (Java's, not the database collation's)
        for (String deviceId : new TreeSet<>(JobDeviceRows.pendingIds(c, span, fromSeq, toSeq))) {
          CloudPropertyWrite.apply(c, deviceId, DesiredPatch.of(job.items()), now);
        }
      } else if (job.kind() == JobKind.TEMPLATE_MIGRATION) {
        migrate(c, span, job, fromSeq, toSeq);
      }
      int done = JobDeviceRows.completeRange(c, span, fromSeq, toSeq, version, now);
      addCounts(c, job.id(), done, 0);
      return version;
    });
  }

  private static void migrate(Connection c, JobSpan span, Job job, long from, long to) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET template_id = ?, etag = ? WHERE id IN "
        + "(SELECT device_id FROM job_devices WHERE k BETWEEN ? AND ? AND status = " + JobDeviceRows.PENDING + ")")) {
      ps.setString(1, job.items().get(0).template());
      ps.setString(2, io.flotilla.domain.common.Etags.fresh());
      ps.setLong(3, span.key(from));
      ps.setLong(4, span.key(to));
      ps.executeUpdate();
    }
  }

  @Override
  public Future<List<Claimed>> claim(String jobId, long afterSeq, long toSeq, int limit) {
    return db.transaction(c -> JobDeviceRows.claim(c, numbers.of(c, jobId), afterSeq, toSeq, limit));
  }

  @Override
  public Future<Void> record(String jobId, List<DeviceResult> results) {
    if (results.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.transaction(c -> {
      int[] n = JobDeviceRows.record(c, numbers.of(c, jobId), results);
      addCounts(c, jobId, n[0], n[1]);
      return null;
    });
  }

  @Override
  public Future<BatchCounts> counts(String jobId, long fromSeq, long toSeq) {
    return db.read(c -> JobDeviceRows.counts(c, numbers.of(c, jobId), fromSeq, toSeq));
  }

  @Override
  public Future<Long> dispatchMark(String jobId) {
    return db.read(c -> JobDeviceRows.dispatchMark(c, jobId));
  }

  @Override
  public Future<Long> firstPending(String jobId) {
    return db.read(c -> {
      JobSpan span = numbers.of(c, jobId);
      try (PreparedStatement ps = c.prepareStatement("SELECT MIN(k) FROM job_devices WHERE k > ? AND k <= ? AND "
          + "status = " + JobDeviceRows.PENDING)) {
        ps.setLong(1, span.key(JobDeviceRows.dispatchMark(c, jobId)));
        ps.setLong(2, span.last());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return 0L;
          }
          long first = rs.getLong(1);
          return rs.wasNull() ? 0L : span.seq(first);
        }
      }
    });
  }

  @Override
  public Future<Integer> interruptDispatched(String jobId, Instant now) {
    return db.transaction(c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement("UPDATE job_devices SET status = " + JobDeviceRows.FAILED
          + ", error_code = 'Interrupted', error_message = ?, updated_at = ? WHERE k BETWEEN ? AND ? AND status = "
          + JobDeviceRows.PENDING)) {
        JobSpan span = numbers.of(c, jobId);
        ps.setString(1, "The server stopped after the command was handed to the device's session and before its "
            + "answer was recorded; it may have reached the device and is not sent again.");
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setLong(3, span.first());
        ps.setLong(4, span.key(JobDeviceRows.dispatchMark(c, jobId)));
        n = ps.executeUpdate();
      }
      addCounts(c, jobId, 0, n);
      return n;
    });
  }

  @Override
  public Future<Optional<Job>> transition(String jobId, Set<JobStatus> from, JobStatus to, Instant now,
                                          String failure) {
    return db.transaction(c -> {
      try (PreparedStatement lock = c.prepareStatement("SELECT through FROM job_dispatch WHERE job_id = ? FOR UPDATE")) {
        lock.setString(1, jobId);
        lock.executeQuery().close();
      }
      List<String> froms = from.stream().map(JobStatus::wire).toList();
      try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = ?, ended_at = ?, failure = "
          + "COALESCE(?, failure) WHERE id = ? AND status IN (" + JobDeviceRows.placeholders(froms.size()) + ")")) {
        ps.setString(1, to.wire());
        ps.setTimestamp(2, to.isFinal() ? Timestamp.from(now) : null);
        ps.setString(3, failure);
        ps.setString(4, jobId);
        for (int i = 0; i < froms.size(); i++) {
          ps.setString(5 + i, froms.get(i));
        }
        if (ps.executeUpdate() == 0) {
          return Optional.<Job>empty();
        }
      }
      return JobRows.find(c, jobId);
    });
  }

  @Override
  public Future<List<String>> deviceIds(String jobId, long fromSeq, long toSeq) {
    return db.read(c -> JobDeviceRows.ids(c, numbers.of(c, jobId), JobDeviceRows.COMPLETED, fromSeq, toSeq));
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

  private long nextDesiredVersion(Connection c) throws SQLException {
    return DesiredVersions.next(c, db.dialect());
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

  private static String after(PageRequest page) {
    return page.after() == null ? "" : page.after();
  }

  private static long parseSeq(String key) {
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw new FlotillaException.Invalid("Invalid $skiptoken: use the nextLink of a previous page as it is.");
    }
  }
}
