package io.flotilla.domain.job;

/** Cancel the job when failures reach a number or percentage, of the whole job or of any one batch. */
public record CancellationThreshold(JobBatch.Measure type, double value, boolean perBatch) {
  /** Whether {@code failed} failures among {@code total} devices (of the job or of the batch) cross the threshold. */
  public boolean crossedBy(long failed, long total) {
    if (failed == 0) {
      return false;
    }
    if (type == JobBatch.Measure.NUMBER) {
      return failed >= value;
    }
    return total > 0 && failed * 100.0 / total >= value;
  }
}
