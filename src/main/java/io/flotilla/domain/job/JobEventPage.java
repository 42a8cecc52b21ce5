package io.flotilla.domain.job;

import java.util.List;

/**
 * A read of a job's event log: the events after the asked-for id (in log order), the job as it was just before they
 * were read, and whether the log is complete: the job is final, no device of it is still held by an engine, and
 * {@code events} reach the end of the log (nothing will ever be appended).
 */
public record JobEventPage(List<JobEvent> events, Job job, boolean complete) {
  /** The id of the last event, or {@code after} when there is none. */
  public JobEventId lastId(JobEventId after) {
    return events.isEmpty() ? after : events.get(events.size() - 1).id();
  }
}
