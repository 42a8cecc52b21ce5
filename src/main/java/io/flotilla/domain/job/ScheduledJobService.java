package io.flotilla.domain.job;

import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/** Scheduled jobs: create or replace, merge-patch, read, delete, and list the jobs they started. */
public final class ScheduledJobService {
  private final ScheduledJobRepository repository;
  private final JobService jobs;
  private final JobValidator validator;

  public ScheduledJobService(ScheduledJobRepository repository, JobService jobs, GroupService groups,
                             TemplateService templates) {
    this.repository = repository;
    this.jobs = jobs;
    this.validator = new JobValidator(groups, templates);
  }

  /**
   * What a client sends: the job every run starts, the schedule, {@code enabled} (null: true) and the etag it read
   * (null: no check).
   */
  public record Definition(JobDefinition job, JobSchedule schedule, Boolean enabled, String etag) {
  }

  /**
   * Creates or replaces. The job definition is checked exactly like a job's. A changed schedule starts over: its
   * first occurrence is due next (at once if it lies in the past) and {@code completed} is recomputed. Fails with
   * {@code Invalid} (bad id, definition, group, capability or schedule) or {@code PreconditionFailed} (stale etag).
   */
  public Future<ScheduledJob> put(String id, Definition d) {
    Ids.groupOrJobId("scheduled job id", id);
    Objects.requireNonNull(d.schedule(), "schedule");
    checkSchedule(d.schedule());
    return validator.check(d.job()).compose(kind -> repository.find(id)).compose(existing -> {
      Etags.check(d.etag(), existing.map(ScheduledJob::etag).orElse(null));
      if (existing.isEmpty()) {
        ScheduledJob created = ScheduledJob.fresh(id, d.job(), d.schedule(), enabledOf(d), 0,
            UUID.randomUUID().toString(), Etags.fresh());
        return repository.insert(created).map(v -> created);
      }
      return replace(existing.get(), d);
    });
  }

  /**
   * Applies a change to the stored job: {@code merge} turns the stored job into the new definition (the HTTP edge
   * applies the JSON merge patch), which is then checked like a PUT. Fails with {@code NotFound}, {@code Conflict}
   * while a job it started is pending or running, {@code PreconditionFailed} (stale {@code etag}) or {@code Invalid}.
   */
  public Future<ScheduledJob> patch(String id, String etag, Function<ScheduledJob, Definition> merge) {
    return get(id).compose(stored -> repository.hasActiveRuns(id).compose(active -> {
      if (active) {
        throw new FlotillaException.Conflict("Scheduled job \"" + id + "\" has a job that is pending or running; "
            + "change it when that job has finished.");
      }
      Etags.check(etag, stored.etag());
      Definition d = merge.apply(stored);
      checkSchedule(d.schedule());
      return validator.check(d.job()).compose(kind -> replace(stored, d));
    }));
  }

  private Future<ScheduledJob> replace(ScheduledJob stored, Definition d) {
    boolean reschedule = !d.schedule().equals(stored.schedule());
    ScheduledJob updated = reschedule
        ? ScheduledJob.fresh(stored.id(), d.job(), d.schedule(), enabledOf(d), stored.runs(), stored.series(),
            Etags.fresh())
        : new ScheduledJob(stored.id(), d.job(), d.schedule(), enabledOf(d), stored.completed(), stored.nextRunAt(),
            stored.runs(), stored.series(), Etags.fresh());
    return repository.replace(updated, stored.etag(), reschedule).map(ok -> {
      if (!ok) {
        throw new FlotillaException.PreconditionFailed("Scheduled job \"" + stored.id()
            + "\" was changed or deleted meanwhile; read it again.");
      }
      return updated;
    });
  }

  private static void checkSchedule(JobSchedule s) {
    Limits.instant("schedule.start", s.start());
    Limits.date("schedule.end.date", s.endDate());
  }

  private static boolean enabledOf(Definition d) {
    return d.enabled() == null || d.enabled();
  }

  public Future<ScheduledJob> get(String id) {
    return repository.find(id).map(j -> j.orElseThrow(() -> notFound(id)));
  }

  public Future<Page<ScheduledJob>> list(PageRequest page) {
    return repository.list(page);
  }

  /** Deletes the schedule; the jobs it started stay. */
  public Future<Void> delete(String id) {
    return repository.delete(id).map(found -> {
      if (!found) {
        throw notFound(id);
      }
      return null;
    });
  }

  /** The jobs the scheduled job started, one keyset page; {@code NotFound} when the scheduled job does not exist. */
  public Future<Page<Job>> jobs(String id, PageRequest page) {
    return get(id).compose(sj -> jobs.listByScheduledJob(id, page));
  }

  private static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("Scheduled job \"" + id + "\" not found.");
  }
}
