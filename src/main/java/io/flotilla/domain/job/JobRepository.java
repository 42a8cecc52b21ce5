package io.flotilla.domain.job;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.common.OrganizationScope;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Storage of jobs as clients see them (port): the job documents, their status transitions and their devices' entries.
 * The engine's work on the devices goes through {@link JobWork}.
 */
public interface JobRepository {
  /** Stores a new job ({@code pending}); fails with {@code Conflict} when the id exists. */
  Future<Void> insert(Job job);

  Future<Optional<Job>> find(String id);

  default Future<Page<Job>> list(PageRequest page) {
    return list(OrganizationScope.WHOLE, page);
  }

  /** The jobs {@code scope} reaches, in id order. */
  Future<Page<Job>> list(OrganizationScope scope, PageRequest page);

  Future<Page<Job>> listByScheduledJob(String scheduledJobId, PageRequest page);

  /** Jobs that are pending, running or stopped (what the engine resumes after a restart). */
  Future<List<Job>> unfinished();

  /** A page of the job's devices in position order, with their attempts. */
  default Future<Page<JobDevice>> devices(String jobId, PageRequest page) {
    return devices(jobId, null, page);
  }

  /**
   * A page of the job's devices whose status is one of {@code statuses} (null: every device), in position order, with
   * their attempts; a dispatched or waiting device counts as {@code PENDING} here as on the wire.
   */
  Future<Page<JobDevice>> devices(String jobId, Set<DeviceJobStatus> statuses, PageRequest page);

  /** One device's entry in a job with every attempt; empty when the job has no such device. */
  Future<Optional<JobDevice>> device(String jobId, String deviceId);

  /**
   * Moves the job to {@code to} if its stored status is one of {@code from} (stamping {@code end} for final states);
   * answers the updated job, or empty when the status was something else (a concurrent change won).
   */
  default Future<Optional<Job>> transition(String jobId, Set<JobStatus> from, JobStatus to, Instant now,
                                          String failure) {
    return transition(jobId, from, to, now, failure, null);
  }

  /** As above, and the job's status reason becomes {@code reason} (null clears it: e.g. a resume). */
  Future<Optional<Job>> transition(String jobId, Set<JobStatus> from, JobStatus to, Instant now, String failure,
                                   String reason);
}
