package io.flotilla.domain.job;

import io.vertx.core.Future;
import java.time.Instant;

/** Cloud-property jobs: the value is stored on each device; nothing is sent to devices. */
final class CloudPropertyKind implements JobKind.Applied {
  private final JobWork work;

  CloudPropertyKind(JobWork work) {
    this.work = work;
  }

  @Override
  public JobType type() {
    return JobType.CLOUD_PROPERTY;
  }

  @Override
  public Future<Job> start(Job job, DeviceSource source, Instant now) {
    return JobKind.expand(work, job, source, JobKind.targets(job), now);
  }

  @Override
  public Future<Void> apply(Job job, long from, long to, Instant now) {
    return work.applyCloudProperties(job.id(), from, to, DesiredPatch.of(job.items()), now).mapEmpty();
  }
}
