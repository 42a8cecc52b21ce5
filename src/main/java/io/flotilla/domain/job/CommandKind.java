package io.flotilla.domain.job;

import io.flotilla.domain.device.DeviceChannel;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Command jobs: each device gets the job's commands in order while it is online; its answers decide. */
final class CommandKind implements JobKind.Sent {
  private final JobWork work;
  private final DeviceChannel channel;
  private final Duration timeout;
  private final Clock clock;

  CommandKind(JobWork work, DeviceChannel channel, Duration timeout, Clock clock) {
    this.work = work;
    this.channel = channel;
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public JobType type() {
    return JobType.COMMAND;
  }

  @Override
  public Future<Job> start(Job job, DeviceSource source, Instant now) {
    return JobKind.expand(work, job, source, JobKind.targets(job), now);
  }

  @Override
  public Future<Boolean> connected(String deviceId) {
    return channel.isConnected(deviceId);
  }

  @Override
  public Future<DeviceResult> send(Job job, Claimed device) {
    return CommandRun.run(channel, device.seq(), device.deviceId(), job.items(), timeout, clock);
  }
}
