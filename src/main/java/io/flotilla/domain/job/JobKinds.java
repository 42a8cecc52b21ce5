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
    add(new CommandKind(work, channel, commandTimeout, clock));
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
