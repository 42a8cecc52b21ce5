package io.flotilla.domain.job;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.common.OrganizationScope;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Storage of scheduled jobs (port). */
public interface ScheduledJobRepository {
  /** Stores a new scheduled job; fails with {@code Conflict} when the id exists. */
  Future<Void> insert(ScheduledJob job);

  /**
   * Changes a scheduled job in one transaction: locks its row, applies {@code change} to the stored job and writes
   * the result's definition, schedule, {@code enabled}, {@code completed}, {@code nextRunAt} and etag ({@code runs}
   * and {@code series} are never touched). Concurrent changes of one scheduled job are serialised; empty when it does
   * not exist (nothing is written). {@code change} runs inside the transaction and must not wait for anything; an
   * exception it throws aborts the change.
   */
  Future<Optional<ScheduledJob>> update(String id, ScheduledJobChange change);

  /** A change of a stored scheduled job. */
  @FunctionalInterface
  interface ScheduledJobChange {
    /**
     * @param current the scheduled job as stored, its row locked
     * @param activeRuns whether a job it started is pending or running, read in the same transaction
     */
    ScheduledJob apply(ScheduledJob current, BooleanSupplier activeRuns);
  }

  Future<Optional<ScheduledJob>> find(String id);

  default Future<Page<ScheduledJob>> list(PageRequest page) {
    return list(OrganizationScope.WHOLE, page);
  }

  /** The scheduled jobs {@code scope} reaches, in id order. */
  Future<Page<ScheduledJob>> list(OrganizationScope scope, PageRequest page);

  Future<Boolean> delete(String id);

  /** Enabled, not completed scheduled jobs whose next run is at or before {@code now}, earliest first. */
  Future<List<ScheduledJob>> due(Instant now, int limit);

  /**
   * Records that the run due in {@code before} was handled: sets {@code runs} from {@code after} if the stored count
   * is still {@code before.runs()}, and {@code nextRunAt}/{@code completed} from {@code after} only if the stored etag
   * is still {@code before.etag()} (a schedule replaced meanwhile keeps its own next run).
   */
  Future<Void> recordRun(ScheduledJob before, ScheduledJob after);

  /** Whether a job started by the scheduled job is pending or running. */
  Future<Boolean> hasActiveRuns(String scheduledJobId);
}
