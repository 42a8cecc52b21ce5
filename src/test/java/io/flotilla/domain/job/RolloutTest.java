package io.flotilla.domain.job;

import static io.flotilla.domain.job.EngineFixture.options;
import static io.flotilla.domain.job.EngineFixture.reboot;
import static io.flotilla.domain.job.EngineFixture.targetTemperature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rollout rates and ramps: observed start times against the schedule, the clock ticked by hand (10 ms a tick). */
class RolloutTest {
  private EngineFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new EngineFixture(new EngineLimits(1000, 500, 1000, Duration.ofSeconds(30)));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** Ticks until the job is final, answering the start time (seconds since {@code t0}) of each device sent. */
  private List<Double> startTimes(String job, Instant t0, int maxTicks) {
    List<Double> starts = new ArrayList<>();
    for (int i = 0; i < maxTicks && !f.status(job).isFinal(); i++) {
      f.tick();
      double now = Duration.between(t0, f.clock.instant()).toNanos() / 1e9;
      while (starts.size() < f.channel.invoked.size()) {
        starts.add(now);
      }
      f.clock.advance(Duration.ofMillis(10));
    }
    return starts;
  }

  /** Devices per second between the starts of devices {@code a} and {@code b} (1-based). */
  private static double rate(List<Double> starts, int a, int b) {
    return (b - a) / (starts.get(b - 1) - starts.get(a - 1));
  }

  @Test
  void aCappedJobStartsDevicesEvenlyAtItsRate() {
    List<String> ids = f.fleet("c", 40, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    Instant t0 = f.clock.instant();
    f.create("j", "c", reboot(), null, null, options("{\"rollout\": {\"maxPerMinute\": 600}}"));
    List<Double> starts = startTimes("j", t0, 2_000);
    assertThat(f.status("j")).isEqualTo(JobStatus.COMPLETE);
    assertThat(starts).hasSize(40);
    assertThat(rate(starts, 1, 40)).isCloseTo(10.0, within(1.0));
    for (int i = 1; i < starts.size(); i++) {
      assertThat(starts.get(i) - starts.get(i - 1)).as("no bursts").isGreaterThan(0.05);
    }
  }

  @Test
  void aRampDoublesItsRateEachTimeAnotherBatchOfDevicesSucceededUpToItsCap() {
    List<String> ids = f.fleet("r", 60, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    Instant t0 = f.clock.instant();
    f.create("j", "r", reboot(), null, null, options("""
        {"rollout": {"maxPerMinute": 600, "ramp": {"startPerMinute": 60, "factor": 2.0, "afterSucceeded": 5}}}"""));
    List<Double> starts = startTimes("j", t0, 5_000);
    assertThat(f.status("j")).isEqualTo(JobStatus.COMPLETE);
    assertThat(starts).hasSize(60);
    // doubled each time another 5 succeeded: 1/s, 2/s, 4/s, 8/s, then the cap of 10/s; each within 10 %
    assertThat(rate(starts, 1, 5)).isCloseTo(1.0, within(0.1));
    assertThat(rate(starts, 7, 10)).isCloseTo(2.0, within(0.2));
    assertThat(rate(starts, 12, 15)).isCloseTo(4.0, within(0.4));
    assertThat(rate(starts, 17, 20)).isCloseTo(8.0, within(0.8));
    assertThat(rate(starts, 22, 60)).isCloseTo(10.0, within(1.0));
  }

  @Test
  void aPropertyJobUnderARateIsAppliedAndPushedRangeByRange() {
    List<String> ids = f.fleet("p", 30, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    Instant t0 = f.clock.instant();
    f.create("j", "p", targetTemperature(21), null, null, options("{\"rollout\": {\"maxPerMinute\": 600}}"));
    List<Double> pushedAt = new ArrayList<>();
    for (int i = 0; i < 1_000 && !f.status("j").isFinal(); i++) {
      f.tick();
      double now = Duration.between(t0, f.clock.instant()).toNanos() / 1e9;
      while (pushedAt.size() < f.channel.pushes.size()) {
        pushedAt.add(now);
      }
      f.clock.advance(Duration.ofMillis(10));
    }
    assertThat(f.status("j")).isEqualTo(JobStatus.COMPLETE);
    assertThat(f.job("j").progress().completed()).isEqualTo(30);
    assertThat(pushedAt).hasSize(30);
    assertThat(rate(pushedAt, 1, 30)).isCloseTo(10.0, within(1.0));
  }

  @Test
  void aPacedPropertyJobStoppedAndResumedAppliesEveryDevice() {
    List<String> ids = f.fleet("s", 30, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.create("j", "s", targetTemperature(21), null, null, options("{\"rollout\": {\"maxPerMinute\": 600}}"));
    for (int i = 0; i < 100; i++) {
      f.tick();
      f.clock.advance(Duration.ofMillis(10));
    }
    EngineFixture.await(f.jobs.stop("j"));
    for (int i = 0; i < 50; i++) {
      f.tick();
      f.clock.advance(Duration.ofMillis(10));
    }
    assertThat(f.job("j").progress().pending()).as("stopped half way").isPositive();
    EngineFixture.await(f.jobs.resume("j"));
    for (int i = 0; i < 2_000 && !f.status("j").isFinal(); i++) {
      f.tick();
      f.clock.advance(Duration.ofMillis(10));
    }
    assertThat(f.status("j")).isEqualTo(JobStatus.COMPLETE);
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(30, 0, 30, 0));
  }
}
