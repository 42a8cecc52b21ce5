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
  void aRampsRateGrowsPerSucceededStepUpToTheCapAndTheBucketNeverBursts() {
    RolloutRate r = new RolloutRate(600, new JobOptions.Ramp(60, 2.0, 100));
    assertThat(r.perMinute(0)).isEqualTo(60);
    assertThat(r.perMinute(99)).isEqualTo(60);
    assertThat(r.perMinute(100)).isEqualTo(120);
    assertThat(r.perMinute(350)).isEqualTo(480);
    assertThat(r.perMinute(400)).as("capped").isEqualTo(600);
    java.time.Instant t = java.time.Instant.parse("2030-01-01T00:00:00Z");
    assertThat(r.allowance(t, 0)).as("one to start with").isEqualTo(1);
    r.started(1);
    assertThat(r.allowance(t.plusMillis(999), 0)).isZero();
    assertThat(r.allowance(t.plusMillis(1000), 0)).isEqualTo(1);
    r.started(1);
    assertThat(r.allowance(t.plusSeconds(60), 0)).as("an idle minute does not save up a burst").isEqualTo(1);
    RolloutRate fast = new RolloutRate(60_000, null);
    fast.allowance(t, 0);
    assertThat(fast.allowance(t.plusSeconds(10), 0)).as("a tenth of a second's worth").isEqualTo(100);
  }

  @Test
  void delivery_retriesListedFailuresWithBackoffAndWaitsForConnections() {
    JobOptions.Retry retry = new JobOptions.Retry(3, java.time.Duration.ofSeconds(10), 2.0,
        java.time.Duration.ofSeconds(25), java.util.Set.of("CommandFailed"));
    java.time.Instant t = java.time.Instant.parse("2030-01-01T00:00:00Z");
    assertThat(retry.next(1, t)).isEqualTo(t.plusSeconds(10));
    assertThat(retry.next(2, t)).isEqualTo(t.plusSeconds(20));
    assertThat(retry.next(3, t)).as("capped").isEqualTo(t.plusSeconds(25));
    DeliveryPolicy p = new DeliveryPolicy(retry, java.time.Duration.ofMinutes(5));
    Claimed first = new Claimed("d", 1, 7, 1);
    assertThat(p.judge(first, DeviceResult.completed(1, "d", 200, t), t).isFinal()).isTrue();
    assertThat(p.judge(first, DeviceResult.failed(1, "d", "CommandFailed", "x", 500, t), t).retryAt())
        .isEqualTo(t.plusSeconds(10));
    assertThat(p.judge(new Claimed("d", 1, 7, 3), DeviceResult.failed(1, "d", "CommandFailed", "x", 500, t), t)
        .isFinal()).as("attempts used up").isTrue();
    assertThat(p.judge(first, DeviceResult.failed(1, "d", "GatewayTimeout", "x", null, t), t).isFinal())
        .as("not listed").isTrue();
    Outcome waits = p.judge(first, DeviceResult.failed(1, "d", "DeviceNotOnline", "x", null, t), t);
    assertThat(waits.awaitsConnection()).isTrue();
    assertThat(waits.deadline()).isEqualTo(t.plusSeconds(300));
    assertThat(DeliveryPolicy.NONE.judge(first, DeviceResult.failed(1, "d", "DeviceNotOnline", "x", null, t), t)
        .isFinal()).isTrue();
  }

  @Test
  void aSuccessGateJudgesTheBatchsFinishedDevices() {
    SuccessGate gate = new SuccessGate(95, false);
    assertThat(gate.afterBatch(JobProgress.NONE, batch(19, 1, 0))).isEqualTo(Verdict.CONTINUE);
    assertThat(gate.afterBatch(JobProgress.NONE, batch(18, 2, 0))).isEqualTo(Verdict.pause(SuccessGate.REASON));
    assertThat(gate.afterBatch(JobProgress.NONE, batch(0, 0, 0))).as("nothing finished").isEqualTo(Verdict.CONTINUE);
    assertThat(new SuccessGate(50, true).afterBatch(JobProgress.NONE, batch(1, 2, 0)))
        .isEqualTo(Verdict.cancel(SuccessGate.REASON));
    assertThat(gate.afterResults(JobProgress.NONE, batch(0, 5, 0))).as("judged only when a batch ends")
        .isEqualTo(Verdict.CONTINUE);
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
