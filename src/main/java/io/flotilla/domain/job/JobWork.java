package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * The stored per-device lifecycle of jobs (port; docs/jobs.md): expansion, leases, outcomes, batches. Every call is
 * safe for several engines on one database: a claim takes only devices no one holds, a write to a device settles it
 * only while the caller's lease on it lives, and a batch ends once. Per-device work is set-based or batched: no call
 * writes one device per transaction.
 */
public interface JobWork {
  /**
   * Expands a pending job into one row per device (positions 1..n in device-id order) from {@code source}, in one
   * statement; devices whose template is not one of {@code targets} (empty: any) fail at once
   * ({@code TemplateMismatch}). Sets the job running with its start time, total and batch size
   * ({@code batchSizeFor.applyAsInt(total)}, 0 = one batch). A job no longer pending is answered as it is.
   */
  Future<Job> expand(Job job, DeviceSource source, Set<String> targets, IntUnaryOperator batchSizeFor, Instant now);

  /**
   * A property job without batches or policies: expands and applies it in one statement (each completed row is the
   * device's new desired state at the job's version) and completes the job.
   */
  Future<Job> expandAndApplyDesired(Job job, DeviceSource source, Set<String> targets, Instant now);

  /**
   * Gives the pending devices of {@code [from, to]} of a running property job the job's desired state at a new
   * {@code $version}, completing them, in one transaction; answers the version (0 when nothing was pending).
   */
  Future<Long> applyDesired(String jobId, long from, long to, Instant now);

  /**
   * As {@link #applyDesired}, for a confirmed property job: the devices get the desired state, but wait for their
   * acknowledgement (until {@code deadline}, if any) instead of completing.
   */
  Future<Long> applyDesiredAwaitingAck(String jobId, long from, long to, Instant now, Instant deadline);

  /** The devices among {@code deviceIds} that await their acknowledgement in the job, with the version awaited. */
  Future<List<AwaitedAck>> awaitingAcknowledgement(String jobId, Collection<String> deviceIds);

  /** Records the final results of devices that awaited their acknowledgement; answers how many counted. */
  Future<Integer> acknowledge(String jobId, List<DeviceResult> results);

  /** Stores {@code patch} as the cloud properties of the pending devices of {@code [from, to]} and completes them. */
  Future<Integer> applyCloudProperties(String jobId, long from, long to, ObjectNode patch, Instant now);

  /** Moves the pending devices of {@code [from, to]} to {@code templateId} and completes them. */
  Future<Integer> migrateTemplate(String jobId, long from, long to, String templateId, Instant now);

  /**
   * The ids of the devices at positions {@code [from, to]} the job gave its desired state (completed, or awaiting
   * their acknowledgement), in position order.
   */
  Future<List<String>> completedDeviceIds(String jobId, long from, long to);

  /**
   * Leases up to {@code limit} devices of a running job that were never sent, after the job's dispatch mark and up to
   * {@code to}, to {@code holder} until {@code expires}, moving the mark (one lease for them all). Answers nothing when
   * another engine is claiming the same job at this moment (it does not wait) or the job is not running.
   */
  Future<Claim> claim(String jobId, long to, int limit, String holder, Instant expires);

  /** Leases up to {@code limit} waiting devices of a running job whose next attempt is due at {@code now}. */
  Future<Claim> claimDue(String jobId, Instant now, int limit, String holder, Instant expires);

  /**
   * Records outcomes of devices held under live leases of {@code holder} (an outcome under a lease that no longer
   * lives — recovered by another engine — is dropped), adds final ones to the job's counters, and releases the leases
   * in {@code finished} (all of their devices recorded); one transaction. Answers how many final outcomes counted.
   */
  Future<Integer> record(String jobId, List<Outcome> outcomes, Set<Long> finished);

  /** The counts of positions {@code [from, to]} by state. */
  Future<BatchCounts> counts(String jobId, long from, long to);

  /** Whether any device of the job waits (for a retry or a connection). */
  Future<Boolean> hasWaiting(String jobId);

  /** The job's latest batch, if one was started. */
  Future<Optional<BatchState>> latestBatch(String jobId);

  /** The lowest position of the job whose device is not final (0 when none). */
  Future<Long> firstUnfinished(String jobId);

  /** Starts {@code batch} (running) unless a batch of that number exists; answers whether this call started it. */
  Future<Boolean> startBatch(String jobId, BatchState batch, Instant now);

  /**
   * Ends running batch {@code no} with {@code status} and its counts, starts {@code next} when given, and moves the
   * job from running to {@code jobTo} (with {@code reason}) when given — all in one transaction, so a verdict is never
   * half carried out; answers false (and changes nothing) when the batch was not running (another engine judged it).
   */
  Future<Boolean> endBatch(String jobId, int no, String status, BatchCounts counts, BatchState next, JobStatus jobTo,
                           String reason, Instant now);

  /**
   * When the job's next waiting device is due (its retry time; for a device waiting for its connection, its deadline),
   * if any is waiting and not held.
   */
  Future<Optional<Instant>> nextDue(String jobId);

  /** The ids of the job's devices waiting for their connection (not yet due). */
  Future<List<String>> awaitingConnection(String jobId);

  /**
   * A continuous job (running or stopped) gains the devices among {@code deviceIds} that match {@code filter} now and
   * are not in it yet, at its next positions (devices not of one of {@code targets} fail {@code TemplateMismatch});
   * answers how many joined.
   */
  Future<Integer> join(String jobId, DeviceFilter filter, Set<String> targets, Collection<String> deviceIds,
                       Instant now);

  /** Devices waiting for a connection among {@code deviceIds} become due at {@code now}; answers how many. */
  Future<Integer> wake(Collection<String> deviceIds, Instant now);

  /**
   * Devices of a running job that waited for a connection past their deadline fail ({@code DeviceNotOnline} with
   * {@code message}); answers how many.
   */
  Future<Integer> expireWaits(String jobId, Instant now, String message);

  /** Devices held under live leases, by holder ({@code node#instance}): what each engine of a cluster works on. */
  Future<java.util.Map<String, Long>> leasedDevices(Instant now);

  /** Extends every lease of {@code holder} to {@code expires}; answers how many. */
  Future<Integer> renew(String holder, Instant expires);

  /**
   * Leases to recover: expired at {@code now} and not held by {@code node}'s own instance, and with
   * {@code earlierInstances} those held by an earlier instance of {@code node} (its own, from before a restart),
   * whatever their expiry.
   */
  Future<List<Lease>> orphanedLeases(EngineNode node, Instant now, boolean earlierInstances);

  /** The devices a lease still holds (sent, no outcome recorded), with the attempt each was on. */
  Future<List<Claimed>> heldBy(Lease lease);

  /**
   * Takes over an orphaned lease: records {@code outcomes} for its devices and deletes it, in one transaction; answers
   * false (changing nothing) when the lease is gone or was renewed meanwhile (its holder lives).
   */
  Future<Boolean> settleOrphan(Lease lease, List<Outcome> outcomes, Instant now);
}
