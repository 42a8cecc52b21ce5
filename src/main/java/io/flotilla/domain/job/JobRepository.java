package io.flotilla.domain.job;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Storage of jobs and their per-device rows (port). Per-device work is set-based or batched: no call writes one
 * device per transaction.
 */
public interface JobRepository {
  /** Stores a new job ({@code pending}); fails with {@code Conflict} when the id exists. */
  Future<Void> insert(Job job);

  Future<Optional<Job>> find(String id);

  Future<Page<Job>> list(PageRequest page);

  Future<Page<Job>> listByScheduledJob(String scheduledJobId, PageRequest page);

  /** Jobs that are pending, running or stopped (what the engine resumes after a restart). */
  Future<List<Job>> unfinished();

  Future<Page<DeviceResult>> devices(String jobId, PageRequest page);

  /**
   * Expands the job into one row per device (positions 1..n in device-id order) from {@code source}, in one
   * statement; devices whose template is not the job's target fail at once ({@code TemplateMismatch}). Sets the job
   * running with its start time, total and batch size ({@code batchSizeFor.applyAsInt(total)}, 0 = one batch).
   */
  Future<Job> expand(Job job, DeviceSource source, IntUnaryOperator batchSizeFor, Instant now);

  /**
   * Property jobs without batches or threshold: expands and applies in one statement (each row records the new
   * desired {@code $version}, which is the device's new desired state) and completes the job.
   */
  Future<Job> expandAndApplyProperties(Job job, DeviceSource source, Instant now);

  /**
   * Applies a property, cloud-property or template-migration job to its pending rows in {@code [fromSeq, toSeq]}, in
   * one transaction; answers the desired {@code $version} a property job gave those devices (0 otherwise).
   */
  Future<Long> applyRange(Job job, long fromSeq, long toSeq, Instant now);

  /**
   * Marks up to {@code limit} pending rows after {@code afterSeq} (up to {@code toSeq}) dispatched and answers them.
   * Claims of a job only move forward: a claim never answers a position at or below one already claimed (those
   * still pending count as dispatched), and concurrent claims of one job run one after the other.
   */
  Future<List<Claimed>> claim(String jobId, long afterSeq, long toSeq, int limit);

  /** Records final per-device results and the job's counters in one transaction. */
  Future<Void> record(String jobId, List<DeviceResult> results);

  Future<BatchCounts> counts(String jobId, long fromSeq, long toSeq);

  /** The highest position claimed so far (0 when none): pending devices at or below it were sent. */
  Future<Long> dispatchMark(String jobId);

  /** The lowest position still pending and not yet sent (or 0 when none): where dispatch resumes. */
  Future<Long> firstPending(String jobId);

  /** After a crash: every command row left dispatched without a result fails as {@code Interrupted}. */
  Future<Integer> interruptDispatched(String jobId, Instant now);

  /**
   * Moves the job to {@code to} if its stored status is one of {@code from} (stamping {@code end} for final states);
   * answers the updated job, or empty when the status was something else (a concurrent change won).
   */
  Future<Optional<Job>> transition(String jobId, Set<JobStatus> from, JobStatus to, Instant now, String failure);

  /**
   * The ids of the devices at positions {@code [fromSeq, toSeq]} whose row is completed, in position order (after
   * {@link #applyRange}: the devices a property job's new desired state is pushed to; failed rows are left out).
   */
  Future<List<String>> deviceIds(String jobId, long fromSeq, long toSeq);
}
