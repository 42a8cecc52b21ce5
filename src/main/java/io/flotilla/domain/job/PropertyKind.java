package io.flotilla.domain.job;

import io.flotilla.domain.device.DeviceChannel;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * Property jobs: the desired value is stored durably (a new desired {@code $version} per range, or one for the whole
 * job) and pushed at once to connected devices. A job without batches or policies is expanded and applied in one
 * statement.
 */
final class PropertyKind implements JobKind.Applied {
  /** Positions whose device ids are read and pushed at a time, so no callback walks a whole large job. */
  private static final int PUSH_CHUNK = 5_000;

  private final JobWork work;
  private final DeviceChannel channel;

  PropertyKind(JobWork work, DeviceChannel channel) {
    this.work = work;
    this.channel = channel;
  }

  @Override
  public JobType type() {
    return JobType.PROPERTY;
  }

  @Override
  public Future<Job> start(Job job, DeviceSource source, Instant now) {
    if (job.batch() != null || !JobPolicies.of(job).all().isEmpty() || job.options().rollout() != null
        || job.options().confirm()) {
      return JobKind.expand(work, job, source, JobKind.targets(job), now);
    }
    return work.expandAndApplyDesired(job, source, JobKind.targets(job), now)
        .compose(done -> push(done, 1, done.progress().total(), done.desiredVersion()).map(done));
  }

  @Override
  public Future<Void> apply(Job job, long from, long to, Instant now) {
    Future<Long> applied;
    if (job.options().confirm()) {
      var wait = job.options().waitForConnection();
      applied = work.applyDesiredAwaitingAck(job.id(), from, to, now, wait == null ? null : now.plus(wait));
    } else {
      applied = work.applyDesired(job.id(), from, to, now);
    }
    return applied.compose(version -> push(job, from, to, version));
  }

  private Future<Void> push(Job job, long from, long to, long version) {
    if (to < from || version <= 0) {
      return Future.succeededFuture();
    }
    var patch = DesiredPatch.of(job.items());
    long end = Math.min(to, from + PUSH_CHUNK - 1);
    return work.completedDeviceIds(job.id(), from, end).compose(ids -> {
      // pushed to the devices connected now (on any node); the others read their twin when they connect
      channel.pushDesired(ids, patch, version);
      return end < to ? push(job, end + 1, to, version) : Future.succeededFuture();
    });
  }
}
