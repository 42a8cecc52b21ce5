package io.flotilla.domain.job;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one job type does to its devices (one handler per {@link JobType}); the engine owns claiming, leasing, pacing
 * and judging. A kind is either {@link Applied} range by range in the database, or {@link Sent} to each device and
 * answered later.
 */
public sealed interface JobKind permits JobKind.Applied, JobKind.Sent {
  JobType type();

  /**
   * Starts a pending job over {@code source}: expands its devices (and may finish it at once); answers the job as
   * stored afterwards.
   */
  Future<Job> start(Job job, DeviceSource source, Instant now);

  /** Templates whose devices the job acts on; devices of another fail {@code TemplateMismatch} (empty: any). */
  default Set<String> targetsOf(Job job) {
    return targets(job);
  }

  /** A kind applied to a range of positions in one transaction (property, cloud property, template migration). */
  non-sealed interface Applied extends JobKind {
    /** Applies the job to the pending devices of positions {@code [from, to]}, completing them. */
    Future<Void> apply(Job job, long from, long to, Instant now);
  }

  /** A kind sent to each device under a lease, whose answer comes later (command). */
  non-sealed interface Sent extends JobKind {
    /** Does the job's work on one device; never fails: every outcome is a {@link DeviceResult}. */
    Future<DeviceResult> send(Job job, Claimed device);

    /** Whether the device has a live session now (a device that waits for its connection may be woken). */
    Future<Boolean> connected(String deviceId);
  }

  /** The templates named by the job's entries: devices of another template fail {@code TemplateMismatch}. */
  static Set<String> targets(Job job) {
    Set<String> out = new LinkedHashSet<>();
    for (JobItem i : job.items()) {
      out.add(i.target());
    }
    return out;
  }

  /** The usual start: expansion, with the job's batch size. */
  static Future<Job> expand(JobWork work, Job job, DeviceSource source, Set<String> targets, Instant now) {
    return work.expand(job, source, targets, total -> job.batch() == null ? 0 : job.batch().size(total), now);
  }
}
