package io.flotilla.domain.job;

/**
 * Told when entries were appended to a job's event log (port; storage calls it after the commit that appended them).
 * Calls come from whatever thread completed the write and must return quickly without blocking.
 */
public interface JobEventSink {
  /** The job's log grew. */
  void appended(String jobId);

  /**
   * Whether an enabled data export takes job events now: then every entry is also queued in the export outbox, in the
   * transaction that appends it (one row per entry and destination, not per device).
   */
  default boolean exported() {
    return false;
  }

  /** A sink that ignores everything (and exports nothing). */
  JobEventSink NONE = jobId -> { };
}
