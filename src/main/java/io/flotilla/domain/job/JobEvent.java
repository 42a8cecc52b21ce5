package io.flotilla.domain.job;

import java.time.Instant;

/** One event of a job's log (docs/jobs.md "Events"): a status change, or one attempt outcome of one device. */
public sealed interface JobEvent permits JobEvent.StatusChanged, JobEvent.DeviceOutcome {
  JobEventId id();

  Instant at();

  /** The job moved to {@code status}; {@code reason} says why when a policy did it. */
  record StatusChanged(JobEventId id, JobStatus status, String reason, Instant at) implements JobEvent {
  }

  /**
   * Attempt {@code attempt} at a device ended with {@code status} (completed or failed). {@code last} is false for an
   * attempt after which the device waits for another one; then the device itself is still pending.
   */
  record DeviceOutcome(JobEventId id, String deviceId, DeviceJobStatus status, String errorCode, String errorMessage,
                       Integer responseCode, int attempt, boolean last, Instant at) implements JobEvent {
  }
}
