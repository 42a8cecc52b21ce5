package io.flotilla.domain.job;

/**
 * {@code rollout.successGate}: after each batch, if fewer than {@code minSuccessPercent} of the batch's finished
 * devices completed, the job pauses ({@code stopped}, status reason {@code SuccessGate}) or is cancelled. Judged only
 * when a batch ends; a batch none of whose devices finished passes.
 */
public record SuccessGate(double minSuccessPercent, boolean cancels) implements JobPolicy {
  public static final String REASON = "SuccessGate";

  @Override
  public Verdict afterBatch(JobProgress job, BatchCounts batch) {
    long finished = batch.finished();
    if (finished == 0 || batch.completed() * 100.0 / finished >= minSuccessPercent) {
      return Verdict.CONTINUE;
    }
    return cancels ? Verdict.cancel(REASON) : Verdict.pause(REASON);
  }
}
