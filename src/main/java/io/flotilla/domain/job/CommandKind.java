package io.flotilla.domain.job;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.device.QueuedCommand;
import io.flotilla.domain.device.QueuedCommands;
import io.flotilla.domain.template.CapabilityPath;
import io.flotilla.domain.template.CommandCapability;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Command jobs: each device gets the job's commands in order while it is online; its answers decide. Durable
 * commands ("Queue if offline") are queued for the device instead, online or not: it waits until their PUBACKs
 * arrive (completed) or they expire (failed).
 */
final class CommandKind implements JobKind.Sent {
  private final JobWork work;
  private final DeviceChannel channel;
  private final Duration timeout;
  private final Clock clock;
  private final TemplateService templates;
  private final QueuedCommands queued;
  /** Jobs' durable commands, by job id (bounded by {@link #DURABLE_CACHE}). */
  private final java.util.Map<String, Future<List<CommandCapability>>> durableByJob =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int DURABLE_CACHE = 1_000;

  CommandKind(JobWork work, DeviceChannel channel, Duration timeout, Clock clock, TemplateService templates,
              QueuedCommands queued) {
    this.work = work;
    this.channel = channel;
    this.timeout = timeout;
    this.clock = clock;
    this.templates = templates;
    this.queued = queued;
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
    if (queued == null) {
      return CommandRun.run(channel, device.seq(), device.deviceId(), job.items(), timeout, clock);
    }
    return durable(job).compose(durable -> {
      if (durable.isEmpty()) {
        return CommandRun.run(channel, device.seq(), device.deviceId(), job.items(), timeout, clock);
      }
      if (durable.size() < job.items().size()) {
        return Future.succeededFuture(DeviceResult.failed(device.seq(), device.deviceId(), "MixedCommands",
            "A job's commands are either all durable (queued) or none.", null, clock.instant()));
      }
      return enqueue(job, device, durable, 0, Instant.MIN);
    }).recover(e -> Future.succeededFuture(DeviceResult.failed(device.seq(), device.deviceId(),
        e instanceof FlotillaException fe ? fe.code() : "InternalError", e.getMessage(), null, clock.instant())));
  }

  /** Queues the job's commands for the device in order; it then waits for their delivery until the last expires. */
  private Future<DeviceResult> enqueue(Job job, Claimed device, List<CommandCapability> commands, int i,
                                       Instant expiry) {
    if (i == commands.size()) {
      return Future.succeededFuture(DeviceResult.awaitingDelivery(device.seq(), device.deviceId(), expiry));
    }
    JobItem item = job.items().get(i);
    CapabilityPath path = CapabilityPath.parse(item.path());
    return queued.enqueue(null, device.deviceId(), path.component(), path.name(), item.value(),
            commands.get(i).timeToLive(), job.id())
        .compose(m -> queued.send(m).map(m))
        .compose((QueuedCommand m) -> enqueue(job, device, commands, i + 1,
            m.expiresAt().isAfter(expiry) ? m.expiresAt() : expiry));
  }

  /**
   * The job's durable commands (empty: none is durable), read from the templates once per job and kept while the job
   * is worked on here (a job's commands and their templates' capabilities do not change under it): never a template
   * read per device.
   */
  private Future<List<CommandCapability>> durable(Job job) {
    Future<List<CommandCapability>> known = durableByJob.get(job.id());
    if (known != null) {
      return known;
    }
    if (durableByJob.size() >= DURABLE_CACHE) {
      durableByJob.clear(); // more jobs than ever run at once: start again rather than grow
    }
    Future<List<CommandCapability>> read = readDurable(job);
    durableByJob.put(job.id(), read);
    return read.onFailure(e -> durableByJob.remove(job.id(), read));
  }

  private Future<List<CommandCapability>> readDurable(Job job) {
    List<Future<CommandCapability>> found = new ArrayList<>();
    for (JobItem item : job.items()) {
      found.add(templates.find(item.target()).map(t -> t.flatMap(x -> x.model().resolve(CapabilityPath.parse(
          item.path()))).filter(c -> c instanceof CommandCapability cmd && cmd.durable())
          .map(c -> (CommandCapability) c).orElse(null)));
    }
    return Future.all(found).map(all -> {
      List<CommandCapability> out = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        if (all.resultAt(i) != null) {
          out.add(all.resultAt(i));
        }
      }
      return out;
    });
  }
}
