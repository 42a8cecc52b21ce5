package io.flotilla.domain.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.job.JobBatch.Measure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each policy alone, at its judged points, and the composite's order. */
class JobPoliciesTest {
  static BatchCounts batch(long completed, long failed, long pending) {
    return new BatchCounts(pending, 0, 0, completed, failed);
  }

  @Test
  void aWholeJobThresholdLooksAtTheJobsFailures() {
    CancellationThreshold t = new CancellationThreshold(Measure.PERCENTAGE, 10, false);
    assertThat(t.afterResults(new JobProgress(100, 91, 0, 9), null)).isEqualTo(Verdict.CONTINUE);
    assertThat(t.afterResults(new JobProgress(100, 90, 0, 10), null).action()).isEqualTo(Verdict.Action.CANCEL);
    assertThat(t.needsBatchCounts(new JobProgress(100, 90, 0, 10))).isFalse();
    assertThat(t.afterBatch(new JobProgress(100, 0, 95, 5), batch(0, 5, 0))).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void aPerBatchThresholdLooksAtTheBatchAndAsksForItsCountsOnlyOnceSomethingFailed() {
    CancellationThreshold t = new CancellationThreshold(Measure.NUMBER, 2, true);
    assertThat(t.needsBatchCounts(new JobProgress(10, 10, 0, 0))).isFalse();
    assertThat(t.needsBatchCounts(new JobProgress(10, 9, 0, 1))).isTrue();
    assertThat(t.afterResults(new JobProgress(10, 7, 0, 3), batch(3, 1, 1))).isEqualTo(Verdict.CONTINUE);
    assertThat(t.afterResults(new JobProgress(10, 7, 0, 3), batch(1, 2, 2)).action())
        .isEqualTo(Verdict.Action.CANCEL);
    assertThat(t.afterResults(new JobProgress(10, 7, 0, 3), null)).as("no batch counts: nothing to judge")
        .isEqualTo(Verdict.CONTINUE);
    assertThat(t.afterBatch(new JobProgress(10, 0, 8, 2), batch(3, 2, 0)).reason())
        .isEqualTo("CancellationThreshold");
  }

  @Test
  void aPercentageOfABatchIsOfTheBatchsSize() {
    CancellationThreshold t = new CancellationThreshold(Measure.PERCENTAGE, 50, true);
    assertThat(t.afterBatch(JobProgress.NONE, batch(3, 2, 0))).isEqualTo(Verdict.CONTINUE);
    assertThat(t.afterBatch(JobProgress.NONE, batch(2, 2, 0)).action()).isEqualTo(Verdict.Action.CANCEL);
  }

  @Test
  void theFirstVerdictThatDoesNotGoOnWins() {
    JobPolicy pauses = new JobPolicy() {
      @Override
      public Verdict afterBatch(JobProgress job, BatchCounts b) {
        return Verdict.pause("Gate");
      }
    };
    JobPolicy cancels = new JobPolicy() {
      @Override
      public Verdict afterBatch(JobProgress job, BatchCounts b) {
        return Verdict.cancel("Other");
      }
    };
    assertThat(new JobPolicies(List.of(pauses, cancels)).afterBatch(JobProgress.NONE, batch(1, 0, 0)))
        .isEqualTo(Verdict.pause("Gate"));
    assertThat(new JobPolicies(List.of(cancels, pauses)).afterBatch(JobProgress.NONE, batch(1, 0, 0)))
        .isEqualTo(Verdict.cancel("Other"));
    assertThat(new JobPolicies(List.of()).afterResults(new JobProgress(1, 0, 0, 1), null))
        .isEqualTo(Verdict.CONTINUE);
    assertThat(new JobPolicies(List.of(pauses)).afterResults(JobProgress.NONE, null)).as("not judged then")
        .isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void batchesCoverThePositionsInOrderAndTheLastOneIsShort() {
    Job job = new Job("j", null, null, "g", JobType.COMMAND, List.of(), new JobBatch(Measure.NUMBER, 4), null,
        JobStatus.RUNNING, null, List.of(), null, null, null, new JobProgress(10, 10, 0, 0), 4, 0, null, null, JobOptions.NONE, null);
    assertThat(job.batchCount()).isEqualTo(3);
    assertThat(BatchState.of(job, 0)).isEqualTo(new BatchState(0, 1, 4, BatchState.RUNNING));
    assertThat(BatchState.of(job, 2)).isEqualTo(new BatchState(2, 9, 10, BatchState.RUNNING));
    Job oneBatch = new Job("k", null, null, "g", JobType.COMMAND, List.of(), null, null, JobStatus.RUNNING, null,
        List.of(), null, null, null, new JobProgress(7, 7, 0, 0), 0, 0, null, null, JobOptions.NONE, null);
    assertThat(BatchState.of(oneBatch, 0)).isEqualTo(new BatchState(0, 1, 7, BatchState.RUNNING));
  }

  @Test
  void everyJobTypeHasItsKind() {
    JobKinds kinds = new JobKinds(null, null, java.time.Duration.ofSeconds(1), java.time.Clock.systemUTC());
    for (JobType t : JobType.values()) {
      assertThat(kinds.of(t).type()).isEqualTo(t);
    }
    assertThat(kinds.of(JobType.COMMAND)).isInstanceOf(JobKind.Sent.class);
    assertThat(kinds.of(JobType.PROPERTY)).isInstanceOf(JobKind.Applied.class);
  }
}
