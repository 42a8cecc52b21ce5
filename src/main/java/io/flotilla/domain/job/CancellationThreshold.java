package io.flotilla.domain.job;

/**
 * Cancel the job when failures reach a number or percentage, of the whole job or of any one batch. Judged as results
 * are recorded and again when a batch ends.
 */
public record CancellationThreshold(JobBatch.Measure type, double value, boolean perBatch) implements JobPolicy {
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

  @Override
  public Verdict afterResults(JobProgress job, BatchCounts batch) {
    return judge(job, batch);
  }

  @Override
  public Verdict afterBatch(JobProgress job, BatchCounts batch) {
    return judge(job, batch);
  }

  @Override
  public boolean needsBatchCounts(JobProgress job) {
    return perBatch && job.failed() > 0;
  }

  private Verdict judge(JobProgress job, BatchCounts batch) {
    boolean crossed = perBatch ? batch != null && crossedBy(batch.failed(), batch.total())
        : crossedBy(job.failed(), job.total());
    return crossed ? Verdict.cancel("CancellationThreshold") : Verdict.CONTINUE;
  }
}
