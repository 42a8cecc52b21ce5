package io.flotilla.domain.job;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.group.GroupService;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advances every unfinished job, one {@link #tick()} at a time: expands pending jobs into per-device rows, applies
 * property, cloud-property and migration jobs range by range, dispatches command jobs up to the in-flight limit
 * (shared fairly between jobs), records results in batches, and moves jobs through batches, thresholds and their
 * final states. All durable state is in the {@link JobRepository}; memory holds cursors, in-flight counts and results
 * not yet written, so {@link #recover()} after a restart resumes every job.
 */
public final class JobEngine {
  private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);

  private final JobRepository jobs;
  private final GroupService groups;
  private final DeviceChannel channel;
  private final Clock clock;
  private final EngineLimits limits;
  private final Map<String, ActiveJob> active = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private Future<Void> currentTick = Future.succeededFuture();

  public JobEngine(JobRepository jobs, GroupService groups, DeviceChannel channel, Clock clock, EngineLimits limits) {
    this.jobs = jobs;
    this.groups = groups;
    this.channel = channel;
    this.clock = clock;
    this.limits = limits;
  }

  /** Loads every unfinished job; commands sent before a crash but not answered fail as {@code Interrupted}. */
  public Future<Void> recover() {
    return jobs.unfinished().compose(list -> {
      List<Future<Void>> all = new ArrayList<>();
      for (Job job : list) {
        ActiveJob a = new ActiveJob(job);
        active.put(job.id(), a);
        if (job.status() != JobStatus.PENDING) {
          all.add(recoverRunning(a));
        }
      }
      if (!list.isEmpty()) {
        LOG.info("Resuming {} unfinished job(s)", list.size());
      }
      return Future.join(all).mapEmpty();
    });
  }

  private Future<Void> recoverRunning(ActiveJob a) {
    Future<Integer> interrupted = a.job.kind() == JobKind.COMMAND
        ? jobs.interruptDispatched(a.job.id(), clock.instant()) : Future.succeededFuture(0);
    return interrupted.compose(n -> reload(a)).compose(v -> repositionCursor(a));
  }

  /** Starts watching a job (a new one, or one loaded again). */
  public void watch(Job job) {
    active.putIfAbsent(job.id(), new ActiveJob(job));
  }

  /** Stops a pending or running job; in-flight devices finish and are recorded. */
  public Future<Void> stop(String jobId) {
    return jobs.transition(jobId, EnumSet.of(JobStatus.PENDING, JobStatus.RUNNING), JobStatus.STOPPED, clock.instant(),
        null).compose(updated -> {
          if (updated.isEmpty()) {
            return Future.failedFuture(new FlotillaException.Conflict("Job \"" + jobId
                + "\" is no longer pending or running."));
          }
          ActiveJob a = active.computeIfAbsent(jobId, id -> new ActiveJob(updated.get()));
          a.job = updated.get();
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
      ActiveJob a = active.computeIfAbsent(jobId, id -> new ActiveJob(updated.get()));
      a.job = updated.get();
      return updated.get().status() == JobStatus.RUNNING ? repositionCursor(a) : Future.succeededFuture();
    });
  }

  /** Commands in flight across all jobs. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Jobs the engine is still working on or holding (stopped). */
  public int activeJobs() {
    return active.size();
  }

  /** One pass over every job; a tick started while another runs joins it. */
  public synchronized Future<Void> tick() {
    if (!currentTick.isComplete()) {
      return currentTick;
    }
    List<Future<Void>> steps = new ArrayList<>();
    long now = System.nanoTime();
    for (ActiveJob a : active.values()) {
      if (now < a.retryAt) {
        continue;
      }
      steps.add(step(a).map(v -> {
        a.failures = 0;
        return v;
      }).recover(e -> {
        a.failures++;
        long backoffMs = Math.min(5_000, 50L << Math.min(a.failures, 7));
        a.retryAt = System.nanoTime() + backoffMs * 1_000_000;
        LOG.warn("Job {}: step failed (retry in {} ms): {}", a.job.id(), backoffMs, e.toString());
        return Future.succeededFuture();
      }));
    }
    currentTick = Future.join(steps).mapEmpty();
    return currentTick;
  }

  /** Writes the job's recorded results and, alongside, advances it (claims and dispatches the next devices). */
  private Future<Void> step(ActiveJob a) {
    Future<Void> flushed = flush(a);
    Future<Void> advanced = switch (a.job.status()) {
      case PENDING -> start(a);
      case RUNNING -> advance(a);
      default -> {
        if (a.job.status().isFinal() && a.inFlight.get() == 0 && a.results.isEmpty() && !a.flushing) {
          active.remove(a.job.id());
        }
        yield Future.succeededFuture();
      }
    };
    // Both halves finish before the step does (join, not all: a failed half must not let the next tick start while
    // the other half still works on the job).
    return Future.join(flushed, advanced).mapEmpty();
  }

  private Future<Void> start(ActiveJob a) {
    Job job = a.job;
    Future<DeviceSource> source = job.rerunOf() != null
        ? Future.succeededFuture(new DeviceSource.FailedIn(job.rerunOf()))
        : groups.get(job.groupId()).map(g -> new DeviceSource.Matching(g.filter()));
    return source.compose(src -> {
      if (job.kind() == JobKind.PROPERTY && job.batch() == null && job.cancellationThreshold() == null) {
        return jobs.expandAndApplyProperties(job, src, clock.instant()).compose(done -> {
          a.job = done;
          return pushDesired(done, 1, done.progress().total(), done.desiredVersion());
        });
      }
      return jobs.expand(job, src, total -> job.batch() == null ? 0 : job.batch().size(total), clock.instant())
          .compose(expanded -> {
            a.job = expanded;
            a.batch = 0;
            a.cursor = 0;
            if (crossedJobThreshold(a)) {
              return finish(a, JobStatus.CANCELLED);
            }
            // The first devices go out in this step, not a tick later.
            return a.job.status() == JobStatus.RUNNING ? advance(a) : Future.<Void>succeededFuture();
          });
    }).recover(e -> {
      if (e instanceof FlotillaException.NotFound) {
        return fail(a, "The job's device group no longer exists.");
      }
      return Future.failedFuture(e);
    });
  }

  private Future<Void> advance(ActiveJob a) {
    Job job = a.job;
    if (job.progress().total() == 0) {
      return finish(a, JobStatus.COMPLETE);
    }
    long from = a.batchFrom();
    long to = a.batchTo();
    if (job.kind() != JobKind.COMMAND) {
      return jobs.applyRange(job, from, to, clock.instant())
          .compose(version -> job.kind() == JobKind.PROPERTY ? pushDesired(job, from, to, version)
              : Future.succeededFuture())
          .compose(v -> reload(a))
          .compose(v -> a.job.status() == JobStatus.RUNNING ? endOfBatch(a, from, to) : Future.succeededFuture());
    }
    if (a.cursor < to) {
      int room = reserve(Math.min(limits.claimPerTick(), perJobCap() - a.inFlight.get()));
      if (room <= 0) {
        return Future.succeededFuture();
      }
      return jobs.claim(job.id(), Math.max(a.cursor, from - 1), to, room).map(claimed -> {
        inFlight.addAndGet(claimed.size() - room);
        for (Claimed c : claimed) {
          a.cursor = Math.max(a.cursor, c.seq());
          dispatch(a, c);
        }
        if (claimed.size() < room) {
          a.cursor = to;
        }
        return claimed.isEmpty();
      }).onFailure(e -> inFlight.addAndGet(-room))
          .compose(none -> none ? reload(a) : Future.succeededFuture());
    }
    if (a.inFlight.get() == 0 && a.results.isEmpty() && !a.flushing) {
      return endOfBatch(a, from, to);
    }
    return Future.succeededFuture();
  }

  private Future<Void> endOfBatch(ActiveJob a, long from, long to) {
    int batch = a.batch;
    return jobs.counts(a.job.id(), from, to).compose(counts -> {
      if (a.batch != batch) {
        return Future.succeededFuture(); // judged already
      }
      if (!counts.done()) {
        a.cursor = from - 1;
        return Future.succeededFuture();
      }
      CancellationThreshold t = a.job.cancellationThreshold();
      if (t != null && t.perBatch() && t.crossedBy(counts.failed(), counts.total())) {
        return finish(a, JobStatus.CANCELLED);
      }
      return reload(a).compose(v -> crossedJobThreshold(a) ? finish(a, JobStatus.CANCELLED) : nextBatch(a, batch, to));
    });
  }

  /** Moves from batch {@code batch} (ending at {@code to}) to the next, or completes the job; once per batch. */
  private Future<Void> nextBatch(ActiveJob a, int batch, long to) {
    if (a.job.status() != JobStatus.RUNNING || a.batch != batch) {
      return Future.succeededFuture();
    }
    if (a.batch + 1 < a.job.batchCount()) {
      a.batch++;
      a.cursor = to;
      return Future.succeededFuture();
    }
    return finish(a, JobStatus.COMPLETE);
  }

  private void dispatch(ActiveJob a, Claimed c) {
    a.inFlight.incrementAndGet();
    CommandRun.run(channel, c.seq(), c.deviceId(), a.job.items(), limits.commandTimeout(), clock).onComplete(ar -> {
      DeviceResult r = ar.succeeded() ? ar.result()
          : DeviceResult.failed(c.seq(), c.deviceId(), "InternalError", String.valueOf(ar.cause()), null, clock.instant());
      a.results.add(r);
      a.inFlight.decrementAndGet();
      inFlight.decrementAndGet();
    });
  }

  private Future<Void> flush(ActiveJob a) {
    if (a.results.isEmpty()) {
      return Future.succeededFuture();
    }
    List<DeviceResult> batch = new ArrayList<>();
    DeviceResult r;
    while (batch.size() < limits.resultsPerWrite() && (r = a.results.poll()) != null) {
      batch.add(r);
    }
    a.flushing = true;
    return jobs.record(a.job.id(), batch)
        .onFailure(e -> a.results.addAll(batch))
        .onComplete(ar -> a.flushing = false)
        .compose(v -> reload(a))
        .compose(v -> crossedJobThreshold(a) ? finish(a, JobStatus.CANCELLED) : crossedBatchThreshold(a)
            .compose(crossed -> crossed ? finish(a, JobStatus.CANCELLED) : endIfDrained(a)));
  }

  /** When these were the last results of a command batch, judges the batch now rather than a tick later. */
  private Future<Void> endIfDrained(ActiveJob a) {
    Job job = a.job;
    if (job.status() != JobStatus.RUNNING || job.kind() != JobKind.COMMAND || a.inFlight.get() > 0
        || !a.results.isEmpty() || a.flushing) {
      return Future.succeededFuture();
    }
    return a.cursor >= a.batchTo() ? endOfBatch(a, a.batchFrom(), a.batchTo()) : Future.succeededFuture();
  }

  /**
   * Whether the running batch's recorded failures already cross a per-batch threshold (judged as results arrive, so
   * the batch's devices not yet sent stay pending; the batch's end judges it again with every result in).
   */
  private Future<Boolean> crossedBatchThreshold(ActiveJob a) {
    CancellationThreshold t = a.job.cancellationThreshold();
    if (a.job.status() != JobStatus.RUNNING || t == null || !t.perBatch() || a.job.progress().failed() == 0) {
      return Future.succeededFuture(false);
    }
    return jobs.counts(a.job.id(), a.batchFrom(), a.batchTo())
        .map(counts -> t.crossedBy(counts.failed(), counts.total()));
  }

  /** Whether the whole-job cancellation threshold is crossed by the recorded failures of a running job. */
  private static boolean crossedJobThreshold(ActiveJob a) {
    CancellationThreshold t = a.job.cancellationThreshold();
    JobProgress p = a.job.progress();
    return a.job.status() == JobStatus.RUNNING && t != null && !t.perBatch() && t.crossedBy(p.failed(), p.total());
  }

  /** Positions whose device ids are read and pushed at a time, so no callback walks a whole large job. */
  private static final int PUSH_CHUNK = 5_000;

  private Future<Void> pushDesired(Job job, long from, long to, long version) {
    if (to < from || version <= 0) {
      return Future.succeededFuture();
    }
    var patch = DesiredPatch.of(job.items());
    long end = Math.min(to, from + PUSH_CHUNK - 1);
    return jobs.deviceIds(job.id(), from, end).compose(ids -> {
      for (String id : ids) {
        if (channel.isConnected(id)) {
          channel.pushDesired(id, patch, version);
        }
      }
      return end < to ? pushDesired(job, end + 1, to, version) : Future.succeededFuture();
    });
  }

  private Future<Void> finish(ActiveJob a, JobStatus status) {
    return jobs.transition(a.job.id(), EnumSet.of(JobStatus.RUNNING), status, clock.instant(), null)
        .compose(updated -> {
          if (updated.isPresent()) {
            a.job = updated.get();
            return Future.succeededFuture();
          }
          return reload(a);
        });
  }

  private Future<Void> fail(ActiveJob a, String why) {
    return jobs.transition(a.job.id(), EnumSet.of(JobStatus.PENDING), JobStatus.FAILED, clock.instant(), why)
        .compose(updated -> updated.isPresent() ? Future.succeededFuture(updated) : jobs.find(a.job.id()))
        .map(updated -> {
          updated.ifPresent(j -> a.job = j);
          return null;
        });
  }

  private Future<Void> reload(ActiveJob a) {
    return jobs.find(a.job.id()).map(found -> {
      found.ifPresent(j -> a.job = j);
      return null;
    });
  }

  /** Points the cursor at the first pending device, in its batch (after a restart or a resume). */
  private Future<Void> repositionCursor(ActiveJob a) {
    // The batch of the last device sent (its answers may still be in flight, or were interrupted by a crash) is
    // finished — and its per-batch threshold checked — before the next batch starts.
    return jobs.dispatchMark(a.job.id()).compose(mark -> jobs.firstPending(a.job.id()).map(first -> {
      long anchor = mark > 0 ? mark : first;
      if (anchor > 0) {
        a.batch = a.job.batchOf(anchor);
        a.cursor = (long) a.batch * batchSize(a.job);
      } else {
        a.batch = Math.max(0, a.job.batchCount() - 1);
        a.cursor = a.job.progress().total();
      }
      return null;
    }));
  }

  /** Reserves up to {@code wanted} places under the global in-flight limit (jobs claim concurrently). */
  private int reserve(int wanted) {
    while (wanted > 0) {
      int current = inFlight.get();
      int granted = Math.min(wanted, limits.maxInFlight() - current);
      if (granted <= 0) {
        return 0;
      }
      if (inFlight.compareAndSet(current, current + granted)) {
        return granted;
      }
    }
    return 0;
  }

  /** Each command job's share of the in-flight limit: jobs about to start (pending) count, so they are not starved. */
  private int perJobCap() {
    long commandJobs = active.values().stream()
        .filter(x -> x.job.kind() == JobKind.COMMAND
            && (x.job.status() == JobStatus.RUNNING || x.job.status() == JobStatus.PENDING)).count();
    return (int) Math.max(1, limits.maxInFlight() / Math.max(1, commandJobs));
  }

  private static int batchSize(Job job) {
    return job.batchSize() <= 0 ? Math.max(1, job.progress().total()) : job.batchSize();
  }

  /** Engine-side state of one job. */
  private static final class ActiveJob {
    volatile Job job;
    volatile long cursor;
    volatile int batch;
    final AtomicInteger inFlight = new AtomicInteger();
    final ConcurrentLinkedQueue<DeviceResult> results = new ConcurrentLinkedQueue<>();
    volatile boolean flushing;
    volatile int failures;
    volatile long retryAt;

    ActiveJob(Job job) {
      this.job = job;
    }

    /** First position of the current batch. */
    long batchFrom() {
      return (long) batch * batchSize(job) + 1;
    }

    /** Last position of the current batch. */
    long batchTo() {
      return Math.min(batchFrom() + batchSize(job) - 1, job.progress().total());
    }
  }

  /** For tests and metrics: the job as the engine last saw it. */
  public Optional<Job> watched(String jobId) {
    return Optional.ofNullable(active.get(jobId)).map(a -> a.job);
  }
}
