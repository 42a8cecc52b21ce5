package io.flotilla.domain.job;

import io.flotilla.domain.common.FlotillaException;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the runs of scheduled jobs that are due. Each tick reads the enabled, not completed scheduled jobs whose next
 * run is at or before now and, one after the other, starts run {@code n = runs + 1} as an ordinary job with a
 * deterministic id and then records the run. A crash between the two repeats the start on the next tick, where the
 * id's {@code Conflict} means "already started", so a run never starts twice. A run whose definition no longer
 * validates (group or capability gone) is skipped with a warning.
 */
public final class JobScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);
  private static final int DUE_PER_TICK = 100;

  private final ScheduledJobRepository repository;
  private final JobService jobs;
  private final Clock clock;
  private Future<Void> currentTick = Future.succeededFuture();

  public JobScheduler(ScheduledJobRepository repository, JobService jobs, Clock clock) {
    this.repository = repository;
    this.jobs = jobs;
    this.clock = clock;
  }

  /** One pass over the due scheduled jobs; a tick started while another runs joins it. Never fails. */
  public synchronized Future<Void> tick() {
    if (!currentTick.isComplete()) {
      return currentTick;
    }
    Instant now = clock.instant();
    currentTick = repository.due(now, DUE_PER_TICK).compose(due -> runAll(due, now)).recover(e -> {
      LOG.warn("Scheduler tick failed: {}", e.toString());
      return Future.succeededFuture();
    });
    return currentTick;
  }

  /** The tick in progress (or a completed future): what to wait for before closing the storage. */
  public synchronized Future<Void> idle() {
    return currentTick;
  }

  private Future<Void> runAll(List<ScheduledJob> due, Instant now) {
    Future<Void> chain = Future.succeededFuture();
    for (ScheduledJob sj : due) {
      chain = chain.compose(v -> run(sj, now).recover(e -> {
        LOG.warn("Scheduled job {}: run {} not started, retrying next tick: {}", sj.id(), sj.runs() + 1, e.toString());
        return Future.succeededFuture();
      }));
    }
    return chain;
  }

  private Future<Void> run(ScheduledJob sj, Instant now) {
    int n = sj.runs() + 1;
    String jobId = sj.runJobId(n);
    return Future.<Void>succeededFuture().compose(v -> jobs.create(jobId, sj.runDefinition(n), sj.id())).map(j -> {
      LOG.info("Scheduled job {}: started run {} as job {}", sj.id(), n, jobId);
      return true;
    }).recover(e -> {
      if (e instanceof FlotillaException.Conflict) {
        return alreadyStarted(sj, jobId);
      }
      if (e instanceof FlotillaException.Invalid) {
        LOG.warn("Scheduled job {}: run {} skipped, its definition is no longer valid: {}", sj.id(), n,
            e.getMessage());
        return Future.succeededFuture(false);
      }
      return Future.failedFuture(e);
    }).compose(started -> repository.recordRun(sj, sj.afterRun(now, started)));
  }

  /** The run's id exists: it is this run started before a crash (or by another node), unless someone else owns it. */
  private Future<Boolean> alreadyStarted(ScheduledJob sj, String jobId) {
    return jobs.get(jobId).map(existing -> {
      if (!sj.id().equals(existing.scheduledJobId())) {
        throw new IllegalStateException("job " + jobId + " exists and does not belong to scheduled job " + sj.id());
      }
      return true;
    });
  }
}
