package io.flotilla.domain.job;

/** Device counts of a job. */
public record JobProgress(int total, int pending, int completed, int failed) {
  public static final JobProgress NONE = new JobProgress(0, 0, 0, 0);
}
