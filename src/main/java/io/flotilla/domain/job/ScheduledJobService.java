package io.flotilla.domain.job;

import io.flotilla.domain.common.CreateOrReplace;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.template.TemplateService;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.organization.OrganizationReferences;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/** Scheduled jobs: create or replace, merge-patch, read, delete, and list the jobs they started. */
public final class ScheduledJobService {
  /** Rounds a patch makes while concurrent changes keep altering the group or entries it looked up. */
  private static final int PATCH_ATTEMPTS = 10;
  private final ScheduledJobRepository repository;
  private final JobService jobs;
  private final JobValidator validator;

  public ScheduledJobService(ScheduledJobRepository repository, JobService jobs, GroupService groups,
                             TemplateService templates) {
    this(repository, jobs, groups, templates, OrganizationReferences.FORM_ONLY);
  }

  /** @param organizations checks the organizations a scheduled job is given */
  public ScheduledJobService(ScheduledJobRepository repository, JobService jobs, GroupService groups,
                             TemplateService templates, OrganizationReferences organizations) {
    this.repository = repository;
    this.jobs = jobs;
    this.validator = new JobValidator(groups, templates, organizations);
  }

  /**
   * What a client sends: the job every run starts, the schedule, {@code enabled} (null: true) and the etag it read
   * (null: no check).
   */
  public record Definition(JobDefinition job, JobSchedule schedule, Boolean enabled, String etag) {
  }

  /**
   * Creates or replaces (a replace is one atomic update of the stored job). The job definition is checked exactly
   * like a job's. A changed schedule starts over: its first occurrence is due next (at once if it lies in the past)
   * and {@code completed} is recomputed. Fails with {@code Invalid} (bad id, definition, group, capability or
   * schedule) or {@code PreconditionFailed} (stale etag).
   */
  public Future<ScheduledJob> put(String id, Definition d) {
    return put(id, d, OrganizationScope.WHOLE);
  }

  /**
   * As {@link #put(String, Definition)} by a caller that reaches {@code scope}: its organizations and group must be
   * ones the caller reaches; none given puts it in the caller's organization.
   */
  public Future<ScheduledJob> put(String id, Definition given, OrganizationScope scope) {
    Ids.groupOrJobId("scheduled job id", id);
    Objects.requireNonNull(given.schedule(), "schedule");
    Definition d = new Definition(given.job().withOrganizations(scope.assign(given.job().organizations())),
        given.schedule(), given.enabled(), given.etag());
    checkSchedule(d.schedule());
    return validator.check(d.job(), scope).compose(kind -> CreateOrReplace.run(
        () -> repository.update(id, (current, activeRuns) -> {
          Etags.check(d.etag(), current.etag());
          return replaced(current, d);
        }),
        () -> {
          Etags.check(d.etag(), null);
          ScheduledJob created = ScheduledJob.fresh(id, d.job(), d.schedule(), enabledOf(d), 0,
              UUID.randomUUID().toString(), Etags.fresh());
          return repository.insert(created).map(v -> created);
        }));
  }

  /**
   * Applies a change to the stored job: {@code merge} turns the stored job into the new definition (the HTTP edge
   * applies the JSON merge patch), which is then checked like a PUT and written over it in one atomic step (the row
   * locked), so concurrent patches are serialised, none lost, and a scheduled job deleted before stays deleted. The
   * group and capabilities are looked up first, for the merge of the version read then; should a concurrent change
   * alter them in between, the patch is checked again. Fails with {@code NotFound}, {@code Conflict} while a job it
   * started is pending or running, {@code PreconditionFailed} (stale {@code etag}) or {@code Invalid}.
   */
  public Future<ScheduledJob> patch(String id, String etag, Function<ScheduledJob, Definition> merge) {
    return patch(id, etag, merge, OrganizationScope.WHOLE);
  }

  /** As {@link #patch(String, String, Function)} by a caller that reaches {@code scope}. */
  public Future<ScheduledJob> patch(String id, String etag, Function<ScheduledJob, Definition> merge,
                                    OrganizationScope scope) {
    Function<ScheduledJob, Definition> within = stored -> {
      Definition d = merge.apply(stored);
      scope.keepWithin(d.job().organizations());
      return d;
    };
    return patchAttempt(id, etag, within, scope, PATCH_ATTEMPTS);
  }

  private Future<ScheduledJob> patchAttempt(String id, String etag, Function<ScheduledJob, Definition> merge,
                                            OrganizationScope scope, int attemptsLeft) {
    return get(id).compose(stored -> repository.hasActiveRuns(id).compose(active -> {
      checkChangeable(id, active, etag, stored);
      Definition d = merge.apply(stored);
      checkSchedule(d.schedule());
      return validator.check(d.job(), scope).map(kind -> d.job());
    })).compose(checked -> repository.update(id, (current, activeRuns) -> {
      checkChangeable(id, activeRuns.getAsBoolean(), etag, current);
      Definition d = merge.apply(current);
      checkSchedule(d.schedule());
      validator.checkShape(d.job());
      if (!Objects.equals(d.job().groupId(), checked.groupId()) || !d.job().items().equals(checked.items())) {
        throw new ReferencesChanged();
      }
      return replaced(current, d);
    })).map(j -> j.orElseThrow(() -> notFound(id))).recover(e -> e instanceof ReferencesChanged && attemptsLeft > 1
        ? patchAttempt(id, etag, merge, scope, attemptsLeft - 1) : Future.failedFuture(e instanceof ReferencesChanged
            ? new FlotillaException.Conflict("Scheduled job \"" + id + "\" kept changing while this request was "
                + "applied; try again.") : e));
  }

  private static void checkChangeable(String id, boolean activeRuns, String etag, ScheduledJob stored) {
    if (activeRuns) {
      throw new FlotillaException.Conflict("Scheduled job \"" + id + "\" has a job that is pending or running; "
          + "change it when that job has finished.");
    }
    Etags.check(etag, stored.etag());
  }

  /** {@code stored} with the definition {@code d}: a changed schedule starts over, {@code runs} and series stay. */
  private static ScheduledJob replaced(ScheduledJob stored, Definition d) {
    boolean reschedule = !d.schedule().equals(stored.schedule());
    return reschedule
        ? ScheduledJob.fresh(stored.id(), d.job(), d.schedule(), enabledOf(d), stored.runs(), stored.series(),
            Etags.fresh())
        : new ScheduledJob(stored.id(), d.job(), d.schedule(), enabledOf(d), stored.completed(), stored.nextRunAt(),
            stored.runs(), stored.series(), Etags.fresh());
  }

  /** A concurrent change altered the group or the entries a patch had looked up: look them up again. */
  private static final class ReferencesChanged extends RuntimeException {
    ReferencesChanged() {
      super(null, null, false, false);
    }
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
    return list(OrganizationScope.WHOLE, page);
  }

  /** The scheduled jobs {@code scope} reaches. */
  public Future<Page<ScheduledJob>> list(OrganizationScope scope, PageRequest page) {
    return repository.list(scope, page);
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
