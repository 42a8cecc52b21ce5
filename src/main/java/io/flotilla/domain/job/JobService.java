package io.flotilla.domain.job;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/** Creates, reads, stops, resumes and reruns jobs; the {@link JobEngine} does the work. */
public final class JobService {
  private final JobRepository jobs;
  private final JobValidator validator;
  private final JobEngine engine;
  private final Clock clock;

  public JobService(JobRepository jobs, GroupService groups, TemplateService templates, JobEngine engine, Clock clock) {
    this.jobs = jobs;
    this.validator = new JobValidator(groups, templates);
    this.engine = engine;
    this.clock = clock;
  }

  /**
   * Stores the job as {@code pending} and hands it to the engine; answers at once (expansion is asynchronous).
   * Fails with {@code Invalid} (bad id, definition, group or capability) or {@code Conflict} (the id exists).
   */
  public Future<Job> create(String id, JobDefinition d) {
    return create(id, d, null);
  }

  /** As {@link #create(String, JobDefinition)}, for a run of scheduled job {@code scheduledJobId}. */
  public Future<Job> create(String id, JobDefinition d, String scheduledJobId) {
    Ids.groupOrJobId("job id", id);
    return validator.check(d).compose(kind -> {
      Job job = new Job(id, d.displayName(), d.description(), d.groupId(), kind, List.copyOf(d.items()), d.batch(),
          d.cancellationThreshold(), JobStatus.PENDING, scheduledJobId,
          d.organizations() == null ? List.of() : d.organizations(), clock.instant(), null, null,
          JobProgress.NONE, 0, 0, null, null, d.options(), null);
      return jobs.insert(job).map(v -> {
        engine.watch(job);
        return job;
      });
    });
  }

  /** A new job {@code rerunId} over exactly the devices that failed in job {@code id}. */
  public Future<Job> rerun(String id, String rerunId) {
    Ids.groupOrJobId("rerun id", rerunId);
    return get(id).compose(source -> {
      Job job = new Job(rerunId, source.displayName(), source.description(), source.groupId(), source.type(),
          source.items(), source.batch(), source.cancellationThreshold(), JobStatus.PENDING, null,
          source.organizations(), clock.instant(), null, null, JobProgress.NONE, 0, 0, null, id, source.options(),
          null);
      return jobs.insert(job).map(v -> {
        engine.watch(job);
        return job;
      });
    });
  }

  public Future<Job> get(String id) {
    return jobs.find(id).map(j -> j.orElseThrow(() -> notFound(id)));
  }

  public Future<Page<Job>> list(PageRequest page) {
    return jobs.list(page);
  }

  public Future<Page<Job>> listByScheduledJob(String scheduledJobId, PageRequest page) {
    return jobs.listByScheduledJob(scheduledJobId, page);
  }

  public Future<Page<JobDevice>> devices(String id, PageRequest page) {
    return get(id).compose(j -> jobs.devices(id, page));
  }

  /** One device's entry in job {@code id} with every attempt; fails with {@code NotFound} for either. */
  public Future<JobDevice> device(String id, String deviceId) {
    return get(id).compose(j -> jobs.device(id, deviceId)).map(d -> d.orElseThrow(() ->
        new FlotillaException.NotFound("Device \"" + deviceId + "\" is not part of job \"" + id + "\".")));
  }

  /** Stops a pending or running job: in-flight devices finish and are recorded, the rest stay pending. */
  public Future<Void> stop(String id) {
    return get(id).compose(job -> {
      if (job.status() != JobStatus.RUNNING && job.status() != JobStatus.PENDING) {
        throw new FlotillaException.Conflict("Job \"" + id + "\" is " + job.status().wire() + "; only a pending or "
            + "running job can be stopped.");
      }
      return engine.stop(id);
    });
  }

  /** Resumes a stopped job: its pending devices are processed. */
  public Future<Void> resume(String id) {
    return get(id).compose(job -> {
      if (job.status() != JobStatus.STOPPED) {
        throw new FlotillaException.Conflict("Job \"" + id + "\" is " + job.status().wire()
            + "; only a stopped job can be resumed.");
      }
      return engine.resume(id);
    });
  }

  static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("Job \"" + id + "\" not found.");
  }
}
