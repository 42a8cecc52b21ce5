package io.flotilla.domain.job;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one engine holds in memory for a job it works on: caches of stored state (the job, its running batch, whether
 * that batch's devices were all claimed) and what is in flight (devices sent and not answered, outcomes not yet
 * written, each lease's devices not yet recorded). Losing it loses nothing: the leases say what was in flight.
 */
final class JobRun {
  volatile Job job;
  final JobKind kind;
  volatile BatchState batch;
  volatile boolean exhausted;
  final AtomicInteger inFlight = new AtomicInteger();
  final ConcurrentLinkedQueue<Outcome> results = new ConcurrentLinkedQueue<>();
  volatile boolean flushing;
  volatile int failures;
  volatile Instant retryAt = Instant.MIN;
  volatile Instant judgeNotBefore = Instant.MIN;
  /** Whether devices of the job may be waiting (a retry, a connection): then due ones are claimed now and then. */
  volatile boolean waiting;
  volatile Instant nextDueCheck = Instant.MIN;
  private final Map<Long, AtomicInteger> leaseOutstanding = new ConcurrentHashMap<>();
  /** The job's rollout rate (null: as fast as the engine may). */
  final RolloutRate rate;
  /**
   * The stored job may have moved without this engine (results written outside a flush — acknowledgements, expired
   * waits, joins — or a stop elsewhere): read it again and judge its policies at the next step.
   */
  volatile boolean resultsChanged;
  /** The total at which a continuous job found every device final (-1: not idle); it looks again once it grew. */
  volatile long idleAt = -1;
  /** Applied kinds under a rate: the next position of the running batch to apply (null: its first). */
  volatile Long applyFrom;

  JobRun(Job job, JobKind kind) {
    this.job = job;
    this.kind = kind;
    this.waiting = DeliveryPolicy.of(job) != DeliveryPolicy.NONE;
    this.rate = RolloutRate.of(job);
  }

  /** How many devices may start now, of {@code wanted}: the rollout rate's allowance. */
  int paced(int wanted, Instant now) {
    return rate == null ? wanted : Math.min(wanted, rate.allowance(now, job.progress().completed()));
  }

  /** {@code n} devices started. */
  void started(int n) {
    if (rate != null) {
      rate.started(n);
    }
  }

  /** Looks for due devices at {@code at} at the latest. */
  void dueNoLaterThan(Instant at) {
    if (at != null && at.isBefore(nextDueCheck)) {
      nextDueCheck = at;
    }
  }

  /** Nothing in flight or waiting to be written. */
  boolean idle() {
    return inFlight.get() == 0 && results.isEmpty() && !flushing;
  }

  /** {@code n} devices were sent under {@code leaseId}. */
  void leased(long leaseId, int n) {
    leaseOutstanding.computeIfAbsent(leaseId, id -> new AtomicInteger()).addAndGet(n);
  }

  /** The leases whose last outstanding devices are among {@code outcomes} (released when these are written). */
  Set<Long> finishedLeases(List<Outcome> outcomes) {
    Map<Long, Integer> counts = new HashMap<>();
    for (Outcome o : outcomes) {
      counts.merge(o.leaseId(), 1, Integer::sum);
    }
    Set<Long> out = new HashSet<>();
    counts.forEach((lease, n) -> {
      AtomicInteger left = leaseOutstanding.get(lease);
      if (left != null && left.get() == n) {
        out.add(lease);
      }
    });
    return out;
  }

  /** {@code outcomes} were written. */
  void settled(List<Outcome> outcomes) {
    for (Outcome o : outcomes) {
      AtomicInteger left = leaseOutstanding.get(o.leaseId());
      if (left != null && left.decrementAndGet() <= 0) {
        leaseOutstanding.remove(o.leaseId());
      }
    }
    judgeNotBefore = Instant.MIN;
  }
}
