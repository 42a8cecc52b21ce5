package io.flotilla.storage.sql;

import io.flotilla.domain.job.DeviceJobStatus;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobDevice;
import io.flotilla.domain.job.JobEventSink;
import io.flotilla.domain.job.JobRepository;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.domain.common.OrganizationScope;
import java.util.ArrayList;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link JobRepository} on SQL. A job's creation and each status transition append a status entry to the job's event
 * log in the same transaction (V20) and tell {@code sink} after the commit.
 */
public final class SqlJobRepository implements JobRepository {
  private final Database db;
  private final JobSpan.Numbers numbers;
  private final JobLogWrites log;

  public SqlJobRepository(Database db) {
    this(db, JobEventSink.NONE);
  }

  public SqlJobRepository(Database db, JobEventSink sink) {
    this.db = db;
    this.numbers = JobSpan.Numbers.of(db);
    this.log = new JobLogWrites(sink);
  }

  @Override
  public Future<Void> insert(Job job) {
    return db.<Void>transaction(c -> {
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
      log.status(c, job.id(), job.status(), job.statusReason(), job.created());
      numbers.remember(job.id(), no);
      return null;
    }).onSuccess(v -> log.sink().appended(job.id()));
  }

  @Override
  public Future<Optional<Job>> find(String id) {
    return db.read(c -> JobRows.find(c, id));
  }

  @Override
  public Future<Page<Job>> list(OrganizationScope scope, PageRequest page) {
    SqlPredicate within = OrganizationSql.within("organizations", scope);
    List<Object> params = new ArrayList<>(within.parameters());
    params.add(after(page));
    params.add(page.limit() + 1);
    return db.read(c -> Page.of(JobRows.query(c, "WHERE " + within.sql() + " AND id > ? ORDER BY id LIMIT ?",
        params.toArray()), page.limit(), Job::id));
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
  public Future<Page<JobDevice>> devices(String jobId, Set<DeviceJobStatus> statuses, PageRequest page) {
    long after = page.after() == null ? 0 : parseSeq(page.after());
    return db.read(c -> Page.of(JobDeviceEntries.page(c, numbers.of(c, jobId), after, page.limit() + 1, statuses),
        page.limit(), d -> Long.toString(d.result().seq())));
  }

  @Override
  public Future<Optional<JobDevice>> device(String jobId, String deviceId) {
    return db.read(c -> JobDeviceEntries.device(c, numbers.of(c, jobId), deviceId));
  }

  @Override
  public Future<Optional<Job>> transition(String jobId, Set<JobStatus> from, JobStatus to, Instant now,
                                          String failure, String reason) {
    return db.transaction(c -> {
      try (PreparedStatement lock = c.prepareStatement("SELECT through FROM job_dispatch WHERE job_id = ? FOR UPDATE")) {
        lock.setString(1, jobId);
        lock.executeQuery().close();
      }
      List<String> froms = from.stream().map(JobStatus::wire).toList();
      try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = ?, ended_at = ?, failure = "
          + "COALESCE(?, failure), status_reason = ? WHERE id = ? AND status IN ("
          + JobDeviceRows.placeholders(froms.size()) + ")")) {
        ps.setString(1, to.wire());
        ps.setTimestamp(2, to.isFinal() ? Timestamp.from(now) : null);
        ps.setString(3, failure);
        ps.setString(4, reason);
        ps.setString(5, jobId);
        for (int i = 0; i < froms.size(); i++) {
          ps.setString(6 + i, froms.get(i));
        }
        if (ps.executeUpdate() == 0) {
          return Optional.<Job>empty();
        }
      }
      log.status(c, jobId, to, reason, now);
      return JobRows.find(c, jobId);
    }).onSuccess(updated -> {
      if (updated.isPresent()) {
        log.sink().appended(jobId);
      }
    });
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
