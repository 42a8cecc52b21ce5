package io.flotilla.domain.job;

import io.flotilla.domain.common.FlotillaException;

/**
 * Where an event sits in a job's event log: the log entry that recorded it ({@code entry}: 1, 2, ... per job, in commit
 * order) and, for a device's outcome, the device's position in the job ({@code position}; 0 for the entry's own event,
 * a status change). Ids order the log; the wire form is {@code entry:position}.
 */
public record JobEventId(long entry, long position) implements Comparable<JobEventId> {
  /** Before the first event of any log. */
  public static final JobEventId START = new JobEventId(0, 0);

  public JobEventId {
    if (entry < 0 || position < 0) {
      throw new IllegalArgumentException("negative event id");
    }
  }

  /** Parses {@code entry:position}; fails with {@code Invalid} (400) otherwise. */
  public static JobEventId parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    try {
      if (colon > 0) {
        return new JobEventId(Long.parseLong(text.substring(0, colon).trim()),
            Long.parseLong(text.substring(colon + 1).trim()));
      }
    } catch (IllegalArgumentException e) {
      // falls through
    }
    throw new FlotillaException.Invalid("Invalid event id \"" + text + "\": use the id of an event of this stream "
        + "(entry:position).");
  }

  @Override
  public int compareTo(JobEventId o) {
    int c = Long.compare(entry, o.entry);
    return c != 0 ? c : Long.compare(position, o.position);
  }

  @Override
  public String toString() {
    return entry + ":" + position;
  }
}
