package io.flotilla.domain.job;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.GroupMembers;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.template.TemplateService;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.organization.OrganizationReferences;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;

/** Creates, reads, stops, resumes and reruns jobs; the {@link JobEngine} does the work. */
public final class JobService {
  private final JobRepository jobs;
  private final GroupMembers members;
  private final JobValidator validator;
  private final JobEngine engine;
  private final Clock clock;

  public JobService(JobRepository jobs, GroupService groups, GroupMembers members, TemplateService templates,
                    JobEngine engine, Clock clock) {
    this(jobs, groups, members, templates, engine, clock, OrganizationReferences.FORM_ONLY);
  }

  /** @param organizations checks the organizations a job is given */
  public JobService(JobRepository jobs, GroupService groups, GroupMembers members, TemplateService templates,
                    JobEngine engine, Clock clock, OrganizationReferences organizations) {
    this.jobs = jobs;
    this.members = members;
    this.validator = new JobValidator(groups, templates, organizations);
    this.engine = engine;
    this.clock = clock;
  }

  /**
   * Stores the job as {@code pending} and hands it to the engine; answers at once (expansion is asynchronous).
   * Fails with {@code Invalid} (bad id, definition, group or capability) or {@code Conflict} (the id exists).
   */
  public Future<Job> create(String id, JobDefinition d) {
    return create(id, d, null, OrganizationScope.WHOLE);
  }

  /** As {@link #create(String, JobDefinition)}, for a run of scheduled job {@code scheduledJobId}. */
  public Future<Job> create(String id, JobDefinition d, String scheduledJobId) {
    return create(id, d, scheduledJobId, OrganizationScope.WHOLE);
  }

  /**
   * As {@link #create(String, JobDefinition)} by a caller that reaches {@code scope}: the job goes to the caller's
   * organization when it names none, its organizations and group must be ones the caller reaches, and it then
   * touches only devices of its organizations (and below), whatever its group's filter matches.
   */
  public Future<Job> create(String id, JobDefinition given, OrganizationScope scope) {
    return create(id, given, null, scope);
  }

  private Future<Job> create(String id, JobDefinition given, String scheduledJobId, OrganizationScope scope) {
    Ids.groupOrJobId("job id", id);
    JobDefinition d = given.withOrganizations(scope.assign(given.organizations()));
    return validator.check(d, scope).compose(kind -> {
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

  /**
   * Validates a job like {@link #create} (the same failures, {@code Conflict} for an existing id included) and answers
   * what it would do, storing nothing: the group's devices are read page by page now.
   */
  public Future<DryRun> dryRun(String id, JobDefinition d) {
    return dryRun(id, d, OrganizationScope.WHOLE);
  }

  /** As {@link #dryRun(String, JobDefinition)} by a caller that reaches {@code scope} (see {@link #create}). */
  public Future<DryRun> dryRun(String id, JobDefinition given, OrganizationScope scope) {
    Ids.groupOrJobId("job id", id);
    JobDefinition d = given.withOrganizations(scope.assign(given.organizations()));
    return validator.check(d, scope).compose(kind -> jobs.find(id).compose(existing -> {
      if (existing.isPresent()) {
        return Future.failedFuture(new FlotillaException.Conflict("A job with id \"" + id + "\" already exists."));
      }
      Job job = new Job(id, d.displayName(), d.description(), d.groupId(), kind, List.copyOf(d.items()), d.batch(),
          d.cancellationThreshold(), JobStatus.PENDING, null, d.organizations() == null ? List.of()
          : d.organizations(), clock.instant(), null, null, JobProgress.NONE, 0, 0, null, null, d.options(), null);
      java.util.Set<String> targets = engine.kindOf(kind).targetsOf(job);
      long[] n = new long[3];
      return countMembers(d.groupId(), OrganizationScope.of(job.organizations()), null, targets, n).map(v -> {
        int size = d.batch() == null ? 0 : d.batch().size((int) n[0]);
        int count = n[0] == 0 ? 1 : size <= 0 ? 1 : (int) ((n[0] + size - 1) / size);
        Job preview = new Job(id, job.displayName(), job.description(), job.groupId(), kind, job.items(), job.batch(),
            job.cancellationThreshold(), JobStatus.PENDING, null, job.organizations(), job.created(), null, null,
            new JobProgress((int) n[0], (int) (n[0] - n[1]), 0, (int) n[1]), size, 0, null, null, job.options(),
            null);
        return new DryRun(preview, n[0], n[1], n[2], size, count);
      });
    }));
  }

  /** Counts the group's devices page by page: {total, of another template, connected now}. */
  private Future<Void> countMembers(String groupId, OrganizationScope scope, String after,
                                    java.util.Set<String> targets, long[] n) {
    return members.list(groupId, scope, new PageRequest(after, DRY_RUN_PAGE)).compose(page -> {
      List<Future<Boolean>> connected = new ArrayList<>(page.items().size());
      for (var device : page.items()) {
        n[0]++;
        if (!targets.isEmpty() && (device.templateId() == null || !targets.contains(device.templateId()))) {
          n[1]++;
        }
        connected.add(engine.connected(device.id()));
      }
      return Future.join(connected).transform(all -> {
        for (Future<Boolean> c : connected) {
          if (c.succeeded() && c.result()) {
            n[2]++;
          }
        }
        return page.nextKey().isPresent() ? countMembers(groupId, scope, page.nextKey().get(), targets, n)
            : Future.<Void>succeededFuture();
      });
    });
  }

  private static final int DRY_RUN_PAGE = 1_000;

  /** A new job {@code rerunId} over exactly the devices that failed in job {@code id}. */
  public Future<Job> rerun(String id, String rerunId) {
    return rerun(id, rerunId, null);
  }

  /** As {@link #rerun(String, String)}, with other extensions than the job's ({@code null}: the job's). */
  public Future<Job> rerun(String id, String rerunId, JobOptions options) {
    Ids.groupOrJobId("rerun id", rerunId);
    return get(id).compose(source -> {
      if (options != null) {
        JobValidator.checkOptions(source.type(), options);
        if (options.continuous()) {
          throw new FlotillaException.Invalid("\"continuous\" does not apply to a rerun: it covers exactly the failed "
              + "devices of another job.");
        }
      }
      Job job = new Job(rerunId, source.displayName(), source.description(), source.groupId(), source.type(),
          source.items(), source.batch(), source.cancellationThreshold(), JobStatus.PENDING, null,
          source.organizations(), clock.instant(), null, null, JobProgress.NONE, 0, 0, null, id,
          options == null ? source.options().withoutContinuous() : options, null);
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
    return list(OrganizationScope.WHOLE, page);
  }

  /** The jobs {@code scope} reaches. */
  public Future<Page<Job>> list(OrganizationScope scope, PageRequest page) {
    return jobs.list(scope, page);
  }

  public Future<Page<Job>> listByScheduledJob(String scheduledJobId, PageRequest page) {
    return jobs.listByScheduledJob(scheduledJobId, page);
  }

  public Future<Page<JobDevice>> devices(String id, PageRequest page) {
    return get(id).compose(j -> jobs.devices(id, page));
  }

  /**
   * A page of the job's devices of one wire status ({@code pending}, {@code completed}, {@code failed}); anything else
   * is {@code Invalid}.
   */
  public Future<Page<JobDevice>> devices(String id, String status, PageRequest page) {
    java.util.Set<DeviceJobStatus> statuses = switch (status) {
      case "pending" -> java.util.EnumSet.of(DeviceJobStatus.PENDING, DeviceJobStatus.DISPATCHED,
          DeviceJobStatus.WAITING);
      case "completed" -> java.util.EnumSet.of(DeviceJobStatus.COMPLETED);
      case "failed" -> java.util.EnumSet.of(DeviceJobStatus.FAILED);
      default -> throw new FlotillaException.Invalid("\"status\" must be pending, completed or failed.");
    };
    return get(id).compose(j -> jobs.devices(id, statuses, page));
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
