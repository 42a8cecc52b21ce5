package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.group.GroupService;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advances every unfinished job, one {@link #tick()} at a time (docs/jobs.md has the lifecycle). Every decision is
 * stored through {@link JobWork}: expansion, the batch running, which devices this engine holds (leases, renewed while
 * it lives), each device's outcome. The kind of a job ({@link JobKind}) says what is done to a device; its policies
 * ({@link JobPolicies}) are judged when results are recorded and when a batch ends. Memory holds only what is in
 * flight and results not yet written, so after a crash {@link #recover()} (or, for another node's work, the expiry of
 * its leases) resumes every job without sending anything twice.
 */
public final class JobEngine {
  private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);
  /** How soon a batch that still has waiting devices is looked at again. */
  private static final Duration JUDGE_AGAIN = Duration.ofSeconds(1);
  /** How often {@link #discover} wakes the waiting devices that are connected (a cluster's safety net). */
  private static final Duration WAKE_CHECK = Duration.ofSeconds(5);

  private final JobRepository jobs;
  private final JobWork work;
  private final GroupService groups;
  private final JobKinds kinds;
  private final Clock clock;
  private final EngineLimits limits;
  private final EngineNode node;
  private final Map<String, JobRun> active = new ConcurrentHashMap<>();
  private final DeviceSignals signals;
  private final LeaseKeeper leases;
  private final Dispatcher dispatcher;
  private Future<Void> currentTick = Future.succeededFuture();
  private volatile boolean draining;
  private Instant nextWakeCheck = Instant.MIN;

  public JobEngine(JobRepository jobs, JobWork work, GroupService groups, JobKinds kinds, Clock clock,
                   EngineLimits limits, EngineNode node) {
    this.jobs = jobs;
    this.work = work;
    this.groups = groups;
    this.kinds = kinds;
    this.clock = clock;
    this.limits = limits;
    this.node = node;
    this.signals = new DeviceSignals(work, groups);
    this.leases = new LeaseKeeper(jobs, work, node, clock, active::get);
    this.dispatcher = new Dispatcher(work, limits, node, clock, active::values);
  }

  public EngineNode node() {
    return node;
  }

  /**
   * Takes over the work of dead engines (this node's earlier instance at once, other nodes' once their leases
   * expired): devices they sent and never recorded fail {@code Interrupted}; then loads every unfinished job.
   */
  public Future<Void> recover() {
    return leases.recoverOrphans(true).compose(n -> jobs.unfinished()).compose(list -> {
      List<Future<Void>> woke = new ArrayList<>();
      for (Job job : list) {
        JobRun run = new JobRun(job, kinds.of(job.type()));
        active.putIfAbsent(job.id(), run);
        woke.add(signals.wakeConnected(run));
      }
      if (!list.isEmpty()) {
        LOG.info("Resuming {} unfinished job(s)", list.size());
      }
      return Future.join(woke).<Void>mapEmpty();
    });
  }

  /**
   * Jobs created, stopped, resumed or finished by other engines of the same database (a cluster): watches every
   * unfinished job it does not know yet, and reads again each one whose stored status differs from what it last saw or
   * that is no longer unfinished. One query per call; a node calls it every discovery interval.
   */
  public Future<Void> discover() {
    return jobs.unfinished().compose(list -> {
      Set<String> unfinished = new java.util.HashSet<>();
      List<Future<Void>> steps = new ArrayList<>();
      for (Job job : list) {
        unfinished.add(job.id());
        JobRun run = active.get(job.id());
        if (run == null) {
          JobRun added = new JobRun(job, kinds.of(job.type()));
          if (active.putIfAbsent(job.id(), added) == null) {
            signals.watch(job);
            steps.add(signals.wakeConnected(added));
          }
        } else if (run.job.status() != job.status()) {
          steps.add(refresh(run));
        }
      }
      for (JobRun run : active.values()) {
        if (!unfinished.contains(run.job.id()) && !run.job.status().isFinal()) {
          steps.add(refresh(run));
        }
      }
      // A device connecting on one node while another node stores its wait can slip between the wake and the
      // check after the write; every few seconds, the waiting devices that are connected somewhere are woken.
      Instant now = clock.instant();
      if (!now.isBefore(nextWakeCheck)) {
        nextWakeCheck = now.plus(WAKE_CHECK);
        for (JobRun run : active.values()) {
          if (run.job.status() == JobStatus.RUNNING) {
            steps.add(signals.wakeConnected(run));
          }
        }
      }
      return Future.join(steps).<Void>mapEmpty();
    });
  }

  /** Reads the job again; one resumed elsewhere starts its batch afresh here, as after {@link #resume}. */
  private Future<Void> refresh(JobRun run) {
    JobStatus was = run.job.status();
    return reload(run).map(v -> {
      if (was == JobStatus.STOPPED && run.job.status() == JobStatus.RUNNING) {
        run.batch = null;
        run.exhausted = false;
        run.applyFrom = null;
      }
      return null;
    });
  }

  /** Starts watching a job (a new one, or one loaded again). */
  public void watch(Job job) {
    active.putIfAbsent(job.id(), new JobRun(job, kinds.of(job.type())));
    signals.watch(job);
  }

  /** Stops a pending or running job; in-flight devices finish and are recorded. */
  public Future<Void> stop(String jobId) {
    return jobs.transition(jobId, EnumSet.of(JobStatus.PENDING, JobStatus.RUNNING), JobStatus.STOPPED, clock.instant(),
        null).compose(updated -> {
          if (updated.isEmpty()) {
            return Future.failedFuture(new FlotillaException.Conflict("Job \"" + jobId
                + "\" is no longer pending or running."));
          }
          run(updated.get()).job = updated.get();
          return Future.<Void>succeededFuture();
        });
  }

  /** Resumes a stopped job (one stopped before it started goes back to pending). */
  public Future<Void> resume(String jobId) {
    return jobs.find(jobId).compose(found -> {
      Job job = found.orElseThrow(() -> JobService.notFound(jobId));
      JobStatus to = job.start() == null ? JobStatus.PENDING : JobStatus.RUNNING;
      return jobs.transition(jobId, EnumSet.of(JobStatus.STOPPED), to, clock.instant(), null);
    }).compose(updated -> {
      if (updated.isEmpty()) {
        return Future.failedFuture(new FlotillaException.Conflict("Job \"" + jobId + "\" is no longer stopped."));
      }
      JobRun run = run(updated.get());
      run.job = updated.get();
      run.batch = null;
      run.exhausted = false;
      run.applyFrom = null; // a range skipped while the job was stopped is applied again
      return Future.<Void>succeededFuture();
    });
  }

  private JobRun run(Job job) {
    return active.computeIfAbsent(job.id(), id -> new JobRun(job, kinds.of(job.type())));
  }

  /**
   * A device became reachable (port {@code DevicePresence}): when it waits for its connection in a job, it is sent at
   * the next tick; it may also have joined a continuous job's group.
   */
  public void deviceOnline(String deviceId) {
    signals.online(deviceId);
  }

  /**
   * A device's reported properties changed (port {@code ReportedListener}): judged at the next tick when it awaits its
   * acknowledgement in a confirmed property job; it may also have joined a continuous job's group.
   */
  public void reported(String deviceId, ObjectNode reported) {
    signals.reported(deviceId, reported);
  }

  /** Every queued (durable) command of job {@code jobId} reached the device: the device completes in the job. */
  public void delivered(String jobId, String deviceId) {
    signals.delivered(jobId, deviceId);
  }

  /** A device was created or changed (port {@code DeviceListener}): it may have joined a continuous job's group. */
  public void deviceChanged(String deviceId) {
    signals.changed(deviceId);
  }

  /** The handler of a job type. */
  public JobKind kindOf(JobType type) {
    return kinds.of(type);
  }

  /** Whether a device has a live session now (as the command kind sees it). */
  public Future<Boolean> connected(String deviceId) {
    return kinds.of(JobType.COMMAND) instanceof JobKind.Sent sent ? sent.connected(deviceId)
        : Future.succeededFuture(false);
  }

  /**
   * Stops starting devices: from now on ticks only write the results of devices in flight (a clean shutdown lets
   * them be answered instead of leaving them {@code Interrupted}).
   */
  public void drain() {
    draining = true;
  }

  /** Renews this engine's leases now (also done by ticks; a timer of its own keeps a slow tick from letting them lapse). */
  public Future<Void> renewLeases() {
    return leases.renew(clock.instant());
  }

  /** Job devices held under live leases, by holder ({@code node#instance}): every engine of the database. */
  public Future<Map<String, Long>> leasedDevices() {
    return work.leasedDevices(clock.instant());
  }

  /** Commands in flight across all jobs. */
  public int inFlight() {
    return dispatcher.inFlight();
  }

  /** Jobs the engine is still working on or holding (stopped). */
  public int activeJobs() {
    return active.size();
  }

  /** One pass: lease upkeep when due, then a step of every job; a tick started while another runs joins it. */
  public synchronized Future<Void> tick() {
    if (!currentTick.isComplete()) {
      return currentTick;
    }
    Instant now = clock.instant();
    List<Future<?>> steps = new ArrayList<>();
    steps.addAll(leases.upkeep(now));
    dispatcher.share();
    steps.addAll(signals.handle(active.values(), now));
    for (JobRun run : active.values()) {
      if (now.isBefore(run.retryAt)) {
        continue;
      }
      steps.add(step(run).map(v -> {
        run.failures = 0;
        return v;
      }).recover(e -> {
        run.failures++;
        long backoffMs = Math.min(5_000, 50L << Math.min(run.failures, 7));
        run.retryAt = clock.instant().plusMillis(backoffMs);
        LOG.warn("Job {}: step failed (retry in {} ms): {}", run.job.id(), backoffMs, e.toString());
        return Future.succeededFuture();
      }));
    }
    currentTick = Future.join(new ArrayList<>(steps)).<Void>mapEmpty().recover(e -> Future.succeededFuture());
    return currentTick;
  }

  /** Writes the job's recorded results and, alongside, advances it. */
  private Future<Void> step(JobRun run) {
    Future<Void> flushed = flush(run);
    if (draining) {
      return flushed;
    }
    if (run.resultsChanged) {
      // results written outside a flush (acknowledgements, expired waits, joins): the policies judge them now
      run.resultsChanged = false;
      flushed = Future.join(flushed, reload(run).compose(v -> judgeResults(run))).mapEmpty();
    }
    Future<Void> advanced = switch (run.job.status()) {
      case PENDING -> start(run);
      case RUNNING -> endReached(run) ? finish(run, JobStatus.COMPLETE, "End")
          : run.kind instanceof JobKind.Sent sent ? send(run, sent) : apply(run, (JobKind.Applied) run.kind);
      default -> {
        if (run.job.status().isFinal() && run.idle()) {
          active.remove(run.job.id());
        }
        yield Future.succeededFuture();
      }
    };
    // Both halves finish before the step does (join, not all: a failed half must not let the next tick start while
    // the other half still works on the job).
    return Future.join(flushed, advanced).mapEmpty();
  }

  /** A continuous job ends at its {@code end}: devices still pending stay so, as after a stop. */
  private boolean endReached(JobRun run) {
    Instant until = run.job.options().until();
    return until != null && !clock.instant().isBefore(until);
  }

  private Future<Void> start(JobRun run) {
    Job job = run.job;
    Future<DeviceSource> source = job.rerunOf() != null
        ? Future.succeededFuture(new DeviceSource.FailedIn(job.rerunOf()))
        : groups.get(job.groupId()).map(g -> new DeviceSource.Matching(g.filter()));
    return source.compose(src -> run.kind.start(job, src, clock.instant())).compose(started -> {
      run.job = started;
      if (started.status() != JobStatus.RUNNING) {
        return Future.<Void>succeededFuture();
      }
      return judgeResults(run).compose(goesOn -> goesOn ? advance(run) : Future.succeededFuture());
    }).recover(e -> {
      if (e instanceof FlotillaException.NotFound) {
        return fail(run, "The job's device group no longer exists.");
      }
      return Future.failedFuture(e);
    });
  }

  /** The first devices go out in the step that started the job, not a tick later. */
  private Future<Void> advance(JobRun run) {
    return run.kind instanceof JobKind.Sent sent ? send(run, sent) : apply(run, (JobKind.Applied) run.kind);
  }

  /** Applies the running batch in one range (under a rollout rate: as many positions as it allows now). */
  private Future<Void> apply(JobRun run, JobKind.Applied kind) {
    return currentBatch(run).compose(b -> {
      if (b == null) {
        return Future.succeededFuture();
      }
      Instant now = clock.instant();
      if (run.applyFrom != null && run.applyFrom > b.last()) {
        // applied whole: devices awaiting their acknowledgement may pass their deadline
        return dispatcher.expireAcks(run, now).compose(v -> endOfBatch(run, b));
      }
      long from = run.applyFrom == null || run.applyFrom < b.first() ? b.first() : run.applyFrom;
      long to = b.last();
      if (run.rate != null && from <= b.last()) {
        int allowed = run.paced(limits.claimPerTick(), now);
        if (allowed <= 0) {
          return Future.succeededFuture();
        }
        to = Math.min(b.last(), from + allowed - 1);
        run.started((int) (to - from + 1));
      }
      long end = to;
      Future<Void> applied = from <= b.last() ? kind.apply(run.job, from, end, now) : Future.succeededFuture();
      return applied.compose(v -> {
        run.applyFrom = end + 1;
        return reload(run);
      }).compose(v -> run.job.status() == JobStatus.RUNNING && end >= b.last() ? endOfBatch(run, b)
          : Future.succeededFuture());
    });
  }

  private Future<Void> send(JobRun run, JobKind.Sent kind) {
    return currentBatch(run).compose(b -> {
      if (b == null) {
        return Future.succeededFuture();
      }
      return dispatcher.sendDue(run, kind).compose(v -> {
        if (!run.exhausted) {
          return dispatcher.sendNext(run, kind, b);
        }
        // every device of the batch was sent: once all are answered and written, the batch is judged
        return run.idle() ? endOfBatch(run, b) : Future.succeededFuture();
      });
    });
  }

  /** The batch the job works on: the stored running one, else the next one started now; null when none is left. */
  private Future<BatchState> currentBatch(JobRun run) {
    if (run.batch != null) {
      return Future.succeededFuture(run.batch);
    }
    Job job = run.job;
    if (run.idleAt == job.progress().total()) {
      return Future.succeededFuture(null); // a continuous job with every device final: nothing joined since
    }
    return work.latestBatch(job.id()).compose(latest -> {
      if (latest.isPresent() && latest.get().running()) {
        return Future.succeededFuture(latest.get());
      }
      if (latest.isPresent()) {
        BatchState next = BatchState.after(job, latest.get());
        if (next == null) {
          // every device is final; a continuous job waits for devices to join it (until stopped or its end)
          if (job.options().continuous()) {
            run.idleAt = job.progress().total();
            return Future.succeededFuture((BatchState) null);
          }
          return finish(run, JobStatus.COMPLETE).map((BatchState) null);
        }
        return startBatch(run, next);
      }
      // No batch stored (a job from before batches were stored): the batch of its first device not final.
      return work.firstUnfinished(job.id()).compose(first -> startBatch(run,
          BatchState.of(job, first > 0 ? job.batchOf(first) : Math.max(0, job.batchCount() - 1))));
    }).map(b -> {
      if (b != null && run.job.status() == JobStatus.RUNNING) {
        run.batch = b;
        run.exhausted = false;
      }
      return run.batch;
    });
  }

  private Future<BatchState> startBatch(JobRun run, BatchState b) {
    return work.startBatch(run.job.id(), b, clock.instant())
        .compose(started -> started ? Future.succeededFuture(b)
            : work.latestBatch(run.job.id()).map(latest -> latest.filter(BatchState::running).orElse(null)));
  }

  /** Judges a batch whose devices were all started: once every one is final, its policies decide what comes next. */
  private Future<Void> endOfBatch(JobRun run, BatchState b) {
    Instant now = clock.instant();
    if (now.isBefore(run.judgeNotBefore)) {
      return Future.succeededFuture();
    }
    return work.counts(run.job.id(), b.first(), b.last()).compose(counts -> {
      if (run.batch != b) {
        return Future.succeededFuture(); // judged already
      }
      if (!counts.done()) {
        run.judgeNotBefore = clock.instant().plus(JUDGE_AGAIN);
        run.waiting = counts.waiting() > 0 || counts.dispatched() > 0;
        if (counts.pending() > 0) {
          // devices of the batch were left unsent or unapplied (a stop, a lost claim): start them again
          run.exhausted = false;
          run.applyFrom = null;
        }
        return Future.succeededFuture();
      }
      return reload(run).compose(v -> {
        if (run.job.status() != JobStatus.RUNNING || run.batch != b) {
          return Future.succeededFuture();
        }
        Verdict verdict = JobPolicies.of(run.job).afterBatch(run.job.progress(), counts);
        BatchState next = verdict.goesOn() ? BatchState.after(run.job, b) : null;
        String status = switch (verdict.action()) {
          case CONTINUE -> BatchState.DONE;
          case CANCEL -> BatchState.CANCELLED;
          case PAUSE -> BatchState.GATED;
        };
        JobStatus jobTo = switch (verdict.action()) {
          case CANCEL -> JobStatus.CANCELLED;
          case PAUSE -> JobStatus.STOPPED;
          case CONTINUE -> next == null && !run.job.options().continuous() ? JobStatus.COMPLETE : null;
        };
        return work.endBatch(run.job.id(), b.no(), status, counts, next, jobTo, verdict.reason(), clock.instant())
            .compose(ended -> {
              run.batch = null;
              if (!ended) {
                return Future.succeededFuture();
              }
              if (jobTo != null) {
                return reload(run);
              }
              if (next != null) {
                run.batch = next;
                run.exhausted = false;
              }
              return Future.succeededFuture();
            });
      });
    });
  }

  private Future<Void> flush(JobRun run) {
    if (run.results.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Outcome> batch = new ArrayList<>();
    Outcome o;
    while (batch.size() < limits.resultsPerWrite() && (o = run.results.poll()) != null) {
      batch.add(o);
    }
    Set<Long> finished = run.finishedLeases(batch);
    run.flushing = true;
    return work.record(run.job.id(), batch, finished)
        .onSuccess(n -> {
          run.settled(batch);
          for (Outcome x : batch) {
            if (!x.isFinal()) {
              run.waiting = true;
              run.dueNoLaterThan(x.retryAt() != null ? x.retryAt() : x.deadline());
            }
            // connected between its attempt and this write: its connection's wake found nothing to wake
            if (x.awaitsConnection() && run.kind instanceof JobKind.Sent sent) {
              String id = x.result().deviceId();
              sent.connected(id).onSuccess(connected -> {
                if (connected) {
                  signals.woken(id);
                }
              });
            }
          }
        })
        .onFailure(e -> run.results.addAll(batch))
        .onComplete(ar -> run.flushing = false)
        .compose(n -> reload(run))
        .compose(v -> judgeResults(run))
        .compose(goesOn -> goesOn ? endIfDrained(run) : Future.succeededFuture());
  }

  /** Judges the job's policies on its recorded results; answers whether it goes on. */
  private Future<Boolean> judgeResults(JobRun run) {
    JobPolicies policies = JobPolicies.of(run.job);
    if (run.job.status() != JobStatus.RUNNING || policies.all().isEmpty()) {
      return Future.succeededFuture(true);
    }
    Future<BatchCounts> batchCounts = policies.needBatchCounts(run.job.progress()) ? currentBatch(run)
        .compose(b -> b == null ? Future.succeededFuture((BatchCounts) null)
            : work.counts(run.job.id(), b.first(), b.last()))
        : Future.succeededFuture(null);
    return batchCounts.compose(counts -> {
      Verdict v = policies.afterResults(run.job.progress(), counts);
      return switch (v.action()) {
        case CONTINUE -> Future.succeededFuture(true);
        case CANCEL -> finish(run, JobStatus.CANCELLED, v.reason()).map(false);
        case PAUSE -> pause(run, v.reason()).map(false);
      };
    });
  }

  /** When these were the last results of a batch that was sent whole, judges the batch now rather than a tick later. */
  private Future<Void> endIfDrained(JobRun run) {
    BatchState b = run.batch;
    if (run.job.status() != JobStatus.RUNNING || !(run.kind instanceof JobKind.Sent) || b == null || !run.exhausted
        || !run.idle()) {
      return Future.succeededFuture();
    }
    return endOfBatch(run, b);
  }

  private Future<Void> finish(JobRun run, JobStatus status) {
    return finish(run, status, null);
  }

  private Future<Void> finish(JobRun run, JobStatus status, String reason) {
    return jobs.transition(run.job.id(), EnumSet.of(JobStatus.RUNNING), status, clock.instant(), null, reason)
        .compose(updated -> {
          if (updated.isPresent()) {
            run.job = updated.get();
            return Future.succeededFuture();
          }
          return reload(run);
        });
  }

  private Future<Void> pause(JobRun run, String reason) {
    return jobs.transition(run.job.id(), EnumSet.of(JobStatus.RUNNING), JobStatus.STOPPED, clock.instant(), null,
        reason)
        .compose(updated -> {
          if (updated.isPresent()) {
            run.job = updated.get();
            run.batch = null;
            return Future.succeededFuture();
          }
          return reload(run);
        });
  }

  private Future<Void> fail(JobRun run, String why) {
    return jobs.transition(run.job.id(), EnumSet.of(JobStatus.PENDING), JobStatus.FAILED, clock.instant(), why)
        .compose(updated -> updated.isPresent() ? Future.succeededFuture(updated) : jobs.find(run.job.id()))
        .map(updated -> {
          updated.ifPresent(j -> run.job = j);
          return null;
        });
  }

  private Future<Void> reload(JobRun run) {
    return jobs.find(run.job.id()).map(found -> {
      found.ifPresent(j -> run.job = j);
      return null;
    });
  }

  /** For tests and metrics: the job as the engine last saw it. */
  public Optional<Job> watched(String jobId) {
    return Optional.ofNullable(active.get(jobId)).map(a -> a.job);
  }
}
