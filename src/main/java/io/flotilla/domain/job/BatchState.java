package io.flotilla.domain.job;

/**
 * A job's batch as stored: its number (from 0), its positions {@code first..last}, and its status: {@code running},
 * then {@code done}, {@code gated} (a policy paused the job after it) or {@code cancelled}.
 */
public record BatchState(int no, long first, long last, String status) {
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String GATED = "gated";
  public static final String CANCELLED = "cancelled";

  public boolean running() {
    return RUNNING.equals(status);
  }

  /**
   * The batch after {@code previous}: the next {@code batchSize} positions (all the rest when the job has no batches),
   * or null when {@code previous} reached the job's last device (a continuous job may gain more later).
   */
  public static BatchState after(Job job, BatchState previous) {
    long total = job.progress().total();
    if (previous.last() >= total) {
      return null;
    }
    long last = job.batchSize() <= 0 ? total : Math.min(total, previous.last() + job.batchSize());
    return new BatchState(previous.no() + 1, previous.last() + 1, last, RUNNING);
  }

  /** Batch {@code no} of {@code job} (whose batch size and total are fixed at expansion). */
  public static BatchState of(Job job, int no) {
    int size = job.batchSize() <= 0 ? Math.max(1, job.progress().total()) : job.batchSize();
    long first = (long) no * size + 1;
    return new BatchState(no, first, Math.min(first + size - 1, job.progress().total()), RUNNING);
  }
}
