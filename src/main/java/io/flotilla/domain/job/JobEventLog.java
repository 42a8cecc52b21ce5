package io.flotilla.domain.job;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * A job's event log (port; docs/jobs.md "Events"), as stored by the job's own writes: every status change and every
 * batch of recorded device outcomes is an entry, numbered per job in commit order (an entry never appears behind a
 * later one). A device's events are not rows of their own: they are read from the rows the engine writes anyway.
 */
public interface JobEventLog {
  /**
   * Up to {@code limit} events after {@code after}, in log order, with the job; empty when the job does not exist.
   */
  Future<Optional<JobEventPage>> after(String jobId, JobEventId after, int limit);

  /** Every event of entry {@code entry} (empty when there is no such entry). */
  Future<List<JobEvent>> entry(String jobId, long entry);
}
