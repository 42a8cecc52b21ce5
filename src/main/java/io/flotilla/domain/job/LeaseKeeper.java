package io.flotilla.domain.job;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's leases over time: renews this engine's every third of a lease, and takes over orphaned ones (this
 * node's earlier instance's at once, other nodes' once expired) every half lease — their devices sent and never
 * answered fail {@code Interrupted} (or wait for a retry, when the job lists {@code Interrupted}).
 */
final class LeaseKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  static final String INTERRUPTED_MESSAGE = "The server stopped after the command was handed to the device's session "
      + "and before its answer was recorded; it may have reached the device and is not sent again.";

  private final JobRepository jobs;
  private final JobWork work;
  private final EngineNode node;
  private final Clock clock;
  private final Function<String, JobRun> runs;
  private Instant nextRenewal = Instant.MIN;
  private Instant nextRecovery = Instant.MIN;

  LeaseKeeper(JobRepository jobs, JobWork work, EngineNode node, Clock clock, Function<String, JobRun> runs) {
    this.jobs = jobs;
    this.work = work;
    this.node = node;
    this.clock = clock;
    this.runs = runs;
  }

  /** What is due at {@code now}: a renewal, a look for orphans. */
  List<Future<?>> upkeep(Instant now) {
    List<Future<?>> steps = new ArrayList<>();
    if (!now.isBefore(nextRenewal)) {
      steps.add(renew(now));
    }
    if (!now.isBefore(nextRecovery)) {
      steps.add(recoverOrphans(false)
          .onFailure(e -> LOG.warn("Recovering orphaned leases failed: {}", e.toString())));
    }
    return steps;
  }

  /** Extends this engine's leases by a lease from {@code now}. */
  Future<Void> renew(Instant now) {
    nextRenewal = now.plus(node.lease().dividedBy(3));
    return work.renew(node.holder(), now.plus(node.lease())).<Void>mapEmpty()
        .onFailure(e -> LOG.warn("Renewing the leases of {} failed: {}", node.holder(), e.toString()));
  }

  /**
   * Takes over every orphaned lease — at {@code startup} also every lease of this node's earlier instances, whatever
   * its expiry (a running engine takes only expired ones: another process wrongly using the same node name keeps its
   * live leases); answers how many devices it settled.
   */
  Future<Integer> recoverOrphans(boolean startup) {
    Instant now = clock.instant();
    nextRecovery = now.plus(node.lease().dividedBy(2));
    return work.orphanedLeases(node, now, startup).compose(leases -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (Lease lease : leases) {
        chain = chain.compose(n -> recoverOrphan(lease).map(m -> n + m));
      }
      return chain;
    });
  }

  private Future<Integer> recoverOrphan(Lease lease) {
    return jobs.find(lease.jobId()).compose(job -> work.heldBy(lease).compose(held -> {
      Instant now = clock.instant();
      DeliveryPolicy delivery = job.map(DeliveryPolicy::of).orElse(DeliveryPolicy.NONE);
      List<Outcome> outcomes = new ArrayList<>();
      for (Claimed c : held) {
        outcomes.add(delivery.judge(c, DeviceResult.failed(c.seq(), c.deviceId(), "Interrupted",
            INTERRUPTED_MESSAGE, null, now), now));
      }
      return work.settleOrphan(lease, outcomes, now).map(settled -> {
        if (settled && !held.isEmpty()) {
          LOG.info("Job {}: {} device(s) sent by {} were not answered before it stopped: Interrupted", lease.jobId(),
              held.size(), lease.holder());
          JobRun run = runs.apply(lease.jobId());
          if (run != null) {
            run.batch = null; // read the batch again and judge it now: its counts moved
            run.judgeNotBefore = Instant.MIN;
            run.waiting = true;
          }
        }
        return settled ? held.size() : 0;
      });
    }));
  }
}
