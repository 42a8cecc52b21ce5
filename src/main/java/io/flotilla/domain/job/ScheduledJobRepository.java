package io.flotilla.domain.job;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage of scheduled jobs (port). */
public interface ScheduledJobRepository {
  /** Stores a new scheduled job; fails with {@code Conflict} when the id exists. */
  Future<Void> insert(ScheduledJob job);

  /**
   * Replaces the definition, schedule, {@code enabled} and etag of the stored job whose etag is {@code expectedEtag}
   * ({@code runs} and {@code series} are never touched); {@code nextRunAt} and {@code completed} too when
   * {@code reschedule}. Answers false when the job is gone or its etag changed meanwhile.
   */
  Future<Boolean> replace(ScheduledJob job, String expectedEtag, boolean reschedule);

  Future<Optional<ScheduledJob>> find(String id);

  Future<Page<ScheduledJob>> list(PageRequest page);

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
