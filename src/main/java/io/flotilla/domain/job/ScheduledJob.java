package io.flotilla.domain.job;

import io.flotilla.domain.common.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A job definition run on a schedule. {@code runs} counts the jobs started so far (run {@code n} is named
 * "&lt;displayName&gt; - n"); {@code nextRunAt} is when the next one is due (null once {@code completed}).
 * {@code series} is fixed when the scheduled job is created and salts the run ids, so a scheduled job deleted and
 * created again under the same id never collides with the jobs of its predecessor.
 */
public record ScheduledJob(String id, JobDefinition definition, JobSchedule schedule, boolean enabled,
                           boolean completed, Instant nextRunAt, int runs, String series, String etag) {

  /** The id of run {@code n}: a GUID that is the same every time it is computed, so a run is never started twice. */
  public String runJobId(int n) {
    return UUID.nameUUIDFromBytes((id + "\n" + series + "\n" + n).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The definition of run {@code n}: this one, named "&lt;displayName&gt; - n". */
  public JobDefinition runDefinition(int n) {
    String name = definition.displayName() == null ? id : definition.displayName();
    return new JobDefinition(Limits.fit(name, " - " + n, Limits.DISPLAY_NAME), definition.description(),
        definition.groupId(), definition.items(), definition.batch(), definition.cancellationThreshold(),
        definition.organizations(), definition.options());
  }

  /** The state after the due run was handled at {@code now}; {@code started}: whether a job was started for it. */
  public ScheduledJob afterRun(Instant now, boolean started) {
    Instant next = nextRunAt == null ? null : schedule.nextAfter(nextRunAt, now).orElse(null);
    return new ScheduledJob(id, definition, schedule, enabled, next == null, next, started ? runs + 1 : runs, series,
        etag);
  }

  /** A new schedule's state: its first occurrence is due (at once when it lies in the past). */
  public static ScheduledJob fresh(String id, JobDefinition definition, JobSchedule schedule, boolean enabled,
                                   int runs, String series, String etag) {
    boolean any = schedule.allows(0);
    return new ScheduledJob(id, definition, schedule, enabled, !any, any ? schedule.start() : null, runs, series,
        etag);
  }
}
