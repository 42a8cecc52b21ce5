package io.flotilla.domain.job;

/**
 * A rule over a running job's recorded counts, judged at two named points: each time results are recorded, and when
 * a batch has ended (every device of it final). A policy that looks at the batch says so, so the engine reads the
 * batch's counts only when one needs them.
 */
public interface JobPolicy {
  /** Judged after results were recorded; {@code batch} is null unless {@link #needsBatchCounts}. */
  default Verdict afterResults(JobProgress job, BatchCounts batch) {
    return Verdict.CONTINUE;
  }

  /** Judged once when a batch ended, with its final counts. */
  default Verdict afterBatch(JobProgress job, BatchCounts batch) {
    return Verdict.CONTINUE;
  }

  /** Whether {@link #afterResults} needs the running batch's counts now (they cost a read). */
  default boolean needsBatchCounts(JobProgress job) {
    return false;
  }
}
