package io.flotilla.domain.job;

import io.flotilla.domain.device.DeviceChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** The handler of each job type. */
public final class JobKinds {
  private final Map<JobType, JobKind> byType = new EnumMap<>(JobType.class);

  public JobKinds(JobWork work, DeviceChannel channel, Duration commandTimeout, Clock clock) {
    this(work, channel, commandTimeout, clock, null, null);
  }

  /** With {@code queued}, durable commands are queued as C2D messages and devices complete on their delivery. */
  public JobKinds(JobWork work, DeviceChannel channel, Duration commandTimeout, Clock clock,
                  io.flotilla.domain.template.TemplateService templates,
                  io.flotilla.domain.device.QueuedCommands queued) {
    add(new CommandKind(work, channel, commandTimeout, clock, templates, queued));
    add(new PropertyKind(work, channel));
    add(new CloudPropertyKind(work));
    add(new TemplateMigrationKind(work));
    for (JobType t : JobType.values()) {
      if (!byType.containsKey(t)) {
        throw new IllegalStateException("no handler for job type " + t);
      }
    }
  }

  private void add(JobKind kind) {
    byType.put(kind.type(), kind);
  }

  public JobKind of(JobType type) {
    return byType.get(type);
  }
}
