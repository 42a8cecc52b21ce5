package io.flotilla.domain.job;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sends devices of sent kinds (commands): claims them under leases up to the global in-flight limit, shared fairly
 * between jobs and paced by each job's rollout rate, hands them to the kind and turns each answer into an outcome by
 * the job's delivery policy; also sends devices whose wait is over and fails those whose wait expired.
 */
final class Dispatcher {
  /**
   * The longest a job with waiting devices goes without looking for due ones (it looks when the next one is due, or a
   * device connected; one query per job, never a timer per device).
   */
  private static final Duration DUE_CHECK = Duration.ofSeconds(5);

  private final JobWork work;
  private final EngineLimits limits;
  private final EngineNode node;
  private final Clock clock;
  private final Supplier<Collection<JobRun>> runs;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile int perJobCap = 1;

  Dispatcher(JobWork work, EngineLimits limits, EngineNode node, Clock clock, Supplier<Collection<JobRun>> runs) {
    this.work = work;
    this.limits = limits;
    this.node = node;
    this.clock = clock;
    this.runs = runs;
  }

  /** Devices sent and not yet answered, across all jobs. */
  int inFlight() {
    return inFlight.get();
  }

  /** Devices whose wait is over (their retry is due, or they connected) go out again; expired waits fail. */
  Future<Void> sendDue(JobRun run, JobKind.Sent kind) {
    Instant now = clock.instant();
    if (!run.waiting || now.isBefore(run.nextDueCheck)) {
      return Future.succeededFuture();
    }
    run.nextDueCheck = now.plus(DUE_CHECK);
    DeliveryPolicy delivery = DeliveryPolicy.of(run.job);
    // command jobs: devices may also wait for their queued (durable) commands' delivery until they expire
    Future<Integer> expired = delivery.waitForConnection() == null && kind.type() != JobType.COMMAND
        ? Future.succeededFuture(0)
        : work.expireWaits(run.job.id(), now, delivery.waitForConnection() == null
            ? "The job's queued commands were not delivered before they expired." : delivery.expiredMessage());
    return expired.compose(n -> {
      if (n > 0) {
        run.judgeNotBefore = Instant.MIN;
        run.resultsChanged = true;
      }
      int room = reserve(run.paced(Math.min(limits.claimPerTick(), perJobCap() - run.inFlight.get()), now));
      if (room <= 0) {
        run.nextDueCheck = Instant.MIN;
        return Future.succeededFuture();
      }
      return work.claimDue(run.job.id(), now, room, node.holder(), now.plus(node.lease())).compose(claim -> {
        inFlight.addAndGet(claim.devices().size() - room);
        dispatch(run, kind, claim.devices());
        if (claim.devices().size() == room) {
          run.nextDueCheck = Instant.MIN; // more may be due
          return Future.<Void>succeededFuture();
        }
        // look again when the next one is due (or a device connects), at the latest after DUE_CHECK
        return work.nextDue(run.job.id()).map(next -> {
          next.ifPresent(at -> run.dueNoLaterThan(at));
          return (Void) null;
        });
      }, e -> {
        inFlight.addAndGet(-room);
        return Future.failedFuture(e);
      });
    });
  }

  /** Devices of a confirmed job that did not acknowledge by their deadline fail; looked at when the next is due. */
  Future<Void> expireAcks(JobRun run, Instant now) {
    if (!run.job.options().confirm() || run.job.options().waitForConnection() == null
        || now.isBefore(run.nextDueCheck)) {
      return Future.succeededFuture();
    }
    run.nextDueCheck = now.plus(DUE_CHECK);
    String message = "The device did not acknowledge the job's desired version within its waitForConnection ("
        + run.job.options().waitForConnection() + ").";
    return work.expireWaits(run.job.id(), now, message).compose(n -> {
      if (n > 0) {
        run.judgeNotBefore = Instant.MIN;
        run.resultsChanged = true;
      }
      return work.nextDue(run.job.id());
    }).map(next -> {
      next.ifPresent(run::dueNoLaterThan);
      return null;
    });
  }

  /** The batch's devices never sent go out, up to the job's in-flight share and its rollout rate. */
  Future<Void> sendNext(JobRun run, JobKind.Sent kind, BatchState b) {
    Instant now = clock.instant();
    int room = reserve(run.paced(Math.min(limits.claimPerTick(), perJobCap() - run.inFlight.get()), now));
    if (room <= 0) {
      return Future.succeededFuture();
    }
    return work.claim(run.job.id(), b.last(), room, node.holder(), now.plus(node.lease())).map(claim -> {
      inFlight.addAndGet(claim.devices().size() - room);
      if (claim == Claim.NONE) {
        run.resultsChanged = true; // the job is not running (stopped elsewhere?) or busy: read it again
      }
      dispatch(run, kind, claim.devices());
      if (run.batch == b) {
        run.exhausted = claim.exhausted();
      }
      return (Void) null;
    }).onFailure(e -> inFlight.addAndGet(-room));
  }

  private void dispatch(JobRun run, JobKind.Sent kind, List<Claimed> claimed) {
    if (claimed.isEmpty()) {
      return;
    }
    run.leased(claimed.get(0).leaseId(), claimed.size());
    run.started(claimed.size());
    DeliveryPolicy delivery = DeliveryPolicy.of(run.job);
    for (Claimed c : claimed) {
      run.inFlight.incrementAndGet();
      kind.send(run.job, c).onComplete(ar -> {
        DeviceResult r = ar.succeeded() ? ar.result() : DeviceResult.failed(c.seq(), c.deviceId(), "InternalError",
            String.valueOf(ar.cause()), null, clock.instant());
        run.results.add(delivery.judge(c, r, clock.instant()));
        run.inFlight.decrementAndGet();
        inFlight.decrementAndGet();
      });
    }
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

  /**
   * Each sent job's share of the in-flight limit, as of the last {@link #share()}: jobs about to start (pending) count,
   * so they are not starved.
   */
  private int perJobCap() {
    return perJobCap;
  }

  /** Works out each sent job's share once per tick (not once per job and claim). */
  void share() {
    long sentJobs = runs.get().stream()
        .filter(x -> x.kind instanceof JobKind.Sent
            && (x.job.status() == JobStatus.RUNNING || x.job.status() == JobStatus.PENDING)).count();
    perJobCap = (int) Math.max(1, limits.maxInFlight() / Math.max(1, sentJobs));
  }


}
