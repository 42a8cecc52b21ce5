package io.flotilla.domain.job;

import static io.flotilla.domain.job.EngineFixture.await;
import static io.flotilla.domain.job.EngineFixture.options;
import static io.flotilla.domain.job.EngineFixture.reboot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.flotilla.domain.job.JobBatch.Measure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries, waiting for connections and success gates in the engine, the clock ticked by hand. */
class DeliveryTest {
  private static final JobOptions RETRY = options("""
      {"delivery": {"retry": {"maxAttempts": 4, "backoff": "PT10S", "factor": 2.0, "maxBackoff": "PT10M",
                              "on": ["CommandFailed", "Interrupted"]}}}""");
  private EngineFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new EngineFixture();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private JobDevice device(String job, String id) {
    return await(f.jobs.device(job, id));
  }

  private void ticks(int n) {
    for (int i = 0; i < n; i++) {
      f.tick();
    }
  }

  @Test
  void aDeviceThatFailsTwiceIsRetriedOnScheduleAndCompletesWithThreeAttempts() {
    List<String> ids = f.fleet("r", 2, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.script.put("r-01", new ArrayDeque<>(List.of(500, 503)));
    Instant t0 = f.clock.instant();
    f.create("j", "r", reboot(), null, null, RETRY);
    ticks(6);
    JobDevice waiting = device("j", "r-01");
    assertThat(waiting.result().status()).isEqualTo(DeviceJobStatus.WAITING);
    assertThat(waiting.nextAttempt()).isEqualTo(t0.plusSeconds(10));
    assertThat(device("j", "r-02").result().status()).isEqualTo(DeviceJobStatus.COMPLETED);
    assertThat(f.status("j")).isEqualTo(JobStatus.RUNNING);

    f.clock.advance(Duration.ofMillis(9_999));
    ticks(5);
    assertThat(f.channel.invoked).as("never before its time").containsExactlyInAnyOrder("r-01", "r-02");
    f.clock.advance(Duration.ofMillis(1));
    ticks(5);
    assertThat(f.channel.invoked).filteredOn("r-01"::equals).hasSize(2);
    assertThat(device("j", "r-01").nextAttempt()).as("backoff × factor").isEqualTo(t0.plusSeconds(30));

    f.clock.advance(Duration.ofSeconds(20));
    f.tickUntil(() -> f.status("j").isFinal(), 20);
    assertThat(f.status("j")).isEqualTo(JobStatus.COMPLETE);
    JobDevice done = device("j", "r-01");
    assertThat(done.result().status()).isEqualTo(DeviceJobStatus.COMPLETED);
    assertThat(done.attempts()).extracting(Attempt::n, Attempt::status, Attempt::responseCode).containsExactly(
        tuple(1, DeviceJobStatus.FAILED, 500), tuple(2, DeviceJobStatus.FAILED, 503),
        tuple(3, DeviceJobStatus.COMPLETED, 200));
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(2, 0, 2, 0));
  }

  @Test
  void attemptsRunOutAndCodesNotListedAreFinalAtOnce() {
    List<String> ids = f.fleet("x", 2, EngineFixture.TRUCK);
    f.channel.online.add("x-01"); // x-02 offline: DeviceNotOnline is not listed
    f.channel.status.put("x-01", 500);
    f.create("j", "x", reboot(), null, null, options("""
        {"delivery": {"retry": {"maxAttempts": 2, "backoff": "PT1S", "on": ["CommandFailed"]}}}"""));
    ticks(6);
    assertThat(device("j", "x-02").result().status()).isEqualTo(DeviceJobStatus.FAILED);
    assertThat(device("j", "x-02").attempts()).hasSize(1);
    f.clock.advance(Duration.ofSeconds(1));
    f.tickUntil(() -> f.status("j").isFinal(), 20);
    assertThat(device("j", "x-01").attempts()).extracting(Attempt::n, Attempt::errorCode)
        .containsExactly(tuple(1, "CommandFailed"), tuple(2, "CommandFailed"));
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(2, 0, 0, 2));
    assertThat(ids).hasSize(2);
  }

  @Test
  void aSleepingDeviceGetsTheCommandWhenItConnectsAndAnotherFailsAtItsDeadline() {
    f.fleet("w", 3, EngineFixture.TRUCK);
    f.channel.online.add("w-01");
    Instant t0 = f.clock.instant();
    f.create("j", "w", reboot(), null, null, options("{\"delivery\": {\"waitForConnection\": \"PT1H\"}}"));
    ticks(6);
    assertThat(device("j", "w-02").result().status()).isEqualTo(DeviceJobStatus.WAITING);
    assertThat(device("j", "w-02").nextAttempt()).as("its deadline").isEqualTo(t0.plus(Duration.ofHours(1)));
    assertThat(device("j", "w-02").attempts()).as("not reached: no attempt").isEmpty();
    assertThat(f.status("j")).as("only waiting devices left").isEqualTo(JobStatus.RUNNING);
    assertThat(f.engine.inFlight()).as("waiting devices hold no in-flight place").isZero();

    f.clock.advance(Duration.ofMinutes(20));
    f.channel.online.add("w-02");
    f.engine.deviceOnline("w-02");
    ticks(4);
    assertThat(device("j", "w-02").result().status()).isEqualTo(DeviceJobStatus.COMPLETED);
    assertThat(device("j", "w-02").attempts()).extracting(Attempt::n).containsExactly(1);

    f.clock.advance(Duration.ofMinutes(40).minusMillis(1));
    ticks(4);
    assertThat(device("j", "w-03").result().status()).isEqualTo(DeviceJobStatus.WAITING);
    f.clock.advance(Duration.ofMillis(1));
    f.tickUntil(() -> f.status("j").isFinal(), 20);
    JobDevice expired = device("j", "w-03");
    assertThat(expired.result().errorCode()).isEqualTo("DeviceNotOnline");
    assertThat(expired.result().errorMessage()).contains("PT1H");
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(3, 0, 2, 1));
  }

  @Test
  void afterACrashWaitingDeadlinesHoldAndRetriesNeverRunEarlyOrTwice() {
    f.fleet("c", 3, EngineFixture.TRUCK);
    f.channel.online.add("c-01");
    f.channel.script.put("c-01", new ArrayDeque<>(List.of(500)));
    Instant t0 = f.clock.instant();
    f.create("j", "c", reboot(), null, null, options("""
        {"delivery": {"waitForConnection": "PT10M",
                      "retry": {"maxAttempts": 3, "backoff": "PT30S", "on": ["CommandFailed"]}}}"""));
    ticks(6);
    assertThat(device("j", "c-01").result().status()).isEqualTo(DeviceJobStatus.WAITING);
    // the crash: a new engine of the same node on the same database
    f.newEngine();
    await(f.engine.recover());
    f.clock.advance(Duration.ofSeconds(29));
    ticks(5);
    assertThat(f.channel.invoked).filteredOn("c-01"::equals).hasSize(1);
    f.clock.advance(Duration.ofSeconds(1));
    ticks(5);
    assertThat(f.channel.invoked).filteredOn("c-01"::equals).hasSize(2);
    assertThat(device("j", "c-01").result().status()).isEqualTo(DeviceJobStatus.COMPLETED);

    f.newEngine();
    await(f.engine.recover());
    f.channel.online.add("c-02");
    f.engine.deviceOnline("c-02");
    ticks(4);
    assertThat(device("j", "c-02").result().status()).isEqualTo(DeviceJobStatus.COMPLETED);
    f.clock.set(t0.plus(Duration.ofMinutes(10)));
    f.tickUntil(() -> f.status("j").isFinal(), 20);
    assertThat(device("j", "c-03").result().errorCode()).isEqualTo("DeviceNotOnline");
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(3, 0, 2, 1));
    assertThat(f.channel.invoked).filteredOn("c-02"::equals).hasSize(2); // once offline at first, once online
  }

  @Test
  void interruptedCommandsAreRetriedOnlyWhenTheJobListsInterrupted() {
    List<String> ids = f.fleet("i", 2, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.hold = true;
    f.create("j", "i", reboot(), null, null, RETRY);
    f.tickUntil(() -> f.channel.held.size() == 2, 20);
    f.channel.held.clear();
    f.channel.hold = false;
    f.newEngine();
    await(f.engine.recover());
    assertThat(device("j", "i-01").result().status()).isEqualTo(DeviceJobStatus.WAITING);
    f.clock.advance(Duration.ofSeconds(10));
    f.tickUntil(() -> f.status("j").isFinal(), 20);
    assertThat(device("j", "i-01").attempts()).extracting(Attempt::n, Attempt::errorCode)
        .containsExactly(tuple(1, "Interrupted"), tuple(2, null));
    assertThat(f.channel.invoked).as("sent twice: Interrupted is listed").hasSize(4);
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(2, 0, 2, 0));
  }

  @Test
  void aSuccessGatePausesAfterAFailingBatchAndResumeGoesOnWithTheNext() {
    List<String> ids = f.fleet("g", 4, EngineFixture.TRUCK);
    f.channel.online.addAll(ids.subList(2, 4)); // the first batch fails whole
    f.create("j", "g", reboot(), new JobBatch(Measure.NUMBER, 2), null, options("""
        {"rollout": {"successGate": {"minSuccessPercent": 95, "action": "pause"}}}"""));
    f.tickUntil(() -> f.status("j") == JobStatus.STOPPED, 30);
    assertThat(f.job("j").statusReason()).isEqualTo(SuccessGate.REASON);
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(4, 2, 0, 2));
    assertThat(await(f.jobWork.latestBatch("j")).orElseThrow().status()).isEqualTo(BatchState.GATED);

    await(f.jobs.resume("j"));
    assertThat(f.job("j").statusReason()).isNull();
    f.tickUntil(() -> f.status("j").isFinal(), 30);
    assertThat(f.status("j")).isEqualTo(JobStatus.COMPLETE);
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(4, 0, 2, 2));
  }

  @Test
  void aCancellingSuccessGateCancels() {
    List<String> ids = f.fleet("k", 4, EngineFixture.TRUCK);
    f.channel.online.addAll(ids.subList(1, 4));
    f.create("j", "k", reboot(), new JobBatch(Measure.NUMBER, 2), null, options("""
        {"rollout": {"successGate": {"minSuccessPercent": 60, "action": "cancel"}}}"""));
    f.tickUntil(() -> f.status("j").isFinal(), 30);
    assertThat(f.status("j")).isEqualTo(JobStatus.CANCELLED);
    assertThat(f.job("j").statusReason()).isEqualTo(SuccessGate.REASON);
    assertThat(f.job("j").progress().pending()).isEqualTo(2);
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode ack(long version, int ac, String ad) {
    var o = EngineFixture.JSON.createObjectNode();
    var a = o.putObject("TargetTemperature").put("value", 21).put("ac", ac).put("av", version);
    if (ad != null) {
      a.put("ad", ad);
    }
    return o;
  }

  @Test
  void aConfirmedPropertyJobCompletesADeviceOnlyOnItsAcknowledgementAndFailsARejection() {
    List<String> ids = f.fleet("p", 3, EngineFixture.TRUCK);
    f.channel.online.addAll(ids.subList(0, 2));
    f.create("j", "p", EngineFixture.targetTemperature(21), null, null, options("""
        {"delivery": {"confirm": true, "waitForConnection": "PT30M"}}"""));
    ticks(5);
    long version = await(f.deviceRepo.twin("p-01")).orElseThrow().desiredVersion();
    assertThat(f.channel.pushes).extracting(FakeChannel.Push::deviceId).containsExactly("p-01", "p-02");
    assertThat(f.results("j")).extracting(DeviceResult::status).containsOnly(DeviceJobStatus.WAITING);
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(3, 3, 0, 0));

    f.engine.reported("p-01", ack(version - 1, 200, null)); // an older version: not yet
    f.engine.reported("p-02", ack(version, 400, "out of range"));
    ticks(3);
    assertThat(device("j", "p-01").result().status()).isEqualTo(DeviceJobStatus.WAITING);
    JobDevice rejected = device("j", "p-02");
    assertThat(rejected.result().errorCode()).isEqualTo("PropertyRejected");
    assertThat(rejected.result().errorMessage()).contains("400").contains("out of range");
    assertThat(rejected.result().responseCode()).isEqualTo(400);

    f.engine.reported("p-01", ack(version, 200, null));
    ticks(3);
    assertThat(device("j", "p-01").result().status()).isEqualTo(DeviceJobStatus.COMPLETED);
    assertThat(device("j", "p-01").attempts()).extracting(Attempt::n).containsExactly(1);
    assertThat(f.status("j")).as("p-03 never acknowledged yet").isEqualTo(JobStatus.RUNNING);

    f.clock.advance(Duration.ofMinutes(30));
    f.tickUntil(() -> f.status("j").isFinal(), 20);
    assertThat(device("j", "p-03").result().errorCode()).isEqualTo("DeviceNotOnline");
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(3, 0, 1, 2));
  }

  @Test
  void aContinuousJobReachesDevicesThatJoinItsGroupUntilItsEnd() {
    List<String> first = f.fleet("n", 2, EngineFixture.TRUCK);
    f.channel.online.addAll(first);
    await(f.groups.put("trucks", new io.flotilla.domain.group.GroupService.Definition("Trucks", null,
        "SELECT * FROM devices WHERE $template = \"" + EngineFixture.TRUCK + "\"", null, null)));
    Instant end = f.clock.instant().plus(Duration.ofHours(1));
    f.create("j", "trucks", reboot(), null, null, options("{\"continuous\": true, \"end\": \"" + end + "\"}"));
    f.tickUntil(() -> f.job("j").progress().completed() == 2, 20);
    ticks(3);
    assertThat(f.status("j")).as("continuous: it waits for more").isEqualTo(JobStatus.RUNNING);

    // a truck created while the job runs joins it and gets the command; a van does not; a member joins once
    for (String[] d : new String[][] {{"t-9", EngineFixture.TRUCK}, {"v-1", EngineFixture.VAN}}) {
      await(f.devices.put(d[0], new io.flotilla.domain.device.DeviceService.Definition(null, d[1], true, false,
          null, null)));
      f.channel.online.add(d[0]);
      f.engine.deviceChanged(d[0]);
    }
    f.engine.deviceChanged("n-01");
    f.tickUntil(() -> f.job("j").progress().completed() == 3, 20);
    ticks(3);
    assertThat(f.results("j")).extracting(DeviceResult::deviceId).containsExactly("n-01", "n-02", "t-9");
    assertThat(f.channel.invoked).containsExactlyInAnyOrder("n-01", "n-02", "t-9");
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(3, 0, 3, 0));
    assertThat(f.status("j")).isEqualTo(JobStatus.RUNNING);

    f.clock.set(end);
    f.tickUntil(() -> f.status("j").isFinal(), 10);
    assertThat(f.status("j")).isEqualTo(JobStatus.COMPLETE);
    assertThat(f.job("j").statusReason()).isEqualTo("End");
  }

  @Test
  void aContinuousJobThatStartsEmptyReachesItsFirstJoiner() {
    await(f.groups.put("late", new io.flotilla.domain.group.GroupService.Definition("Late", null,
        "SELECT * FROM devices WHERE $template = \"" + EngineFixture.TRUCK + "\" AND $displayName = \"joiner\"",
        null, null)));
    f.create("j", "late", reboot(), null, null, options("{\"continuous\": true}"));
    ticks(5);
    assertThat(f.status("j")).isEqualTo(JobStatus.RUNNING);
    await(f.devices.put("t-1", new io.flotilla.domain.device.DeviceService.Definition("joiner", EngineFixture.TRUCK,
        true, false, null, null)));
    f.channel.online.add("t-1");
    f.engine.deviceChanged("t-1");
    f.tickUntil(() -> f.job("j").progress().completed() == 1, 20);
    assertThat(f.channel.invoked).containsExactly("t-1");
  }

  private long waitRows() {
    return await(f.db.read(c -> {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM job_device_waits"); var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }));
  }

  @Test
  void noWaitRowIsLeftOnceWaitingDevicesFinished() {
    f.fleet("z", 3, EngineFixture.TRUCK);
    f.channel.online.add("z-01");
    f.channel.script.put("z-01", new ArrayDeque<>(List.of(500)));
    f.create("j", "z", reboot(), null, null, options("""
        {"delivery": {"waitForConnection": "PT1M", "retry": {"maxAttempts": 2, "backoff": "PT1S",
                      "on": ["CommandFailed"]}}}"""));
    ticks(5);
    assertThat(waitRows()).isEqualTo(3);
    f.channel.online.add("z-02");
    f.engine.deviceOnline("z-02");
    f.clock.advance(Duration.ofSeconds(1));
    ticks(5);
    f.clock.advance(Duration.ofMinutes(1));
    f.tickUntil(() -> f.status("j").isFinal(), 20);
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(3, 0, 2, 1));
    assertThat(waitRows()).as("retried, woken and expired devices all took their rows").isZero();
  }

  @Test
  void aThresholdIsJudgedOnRejectedAcknowledgementsAsTheyArrive() {
    List<String> ids = f.fleet("q", 6, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.create("j", "q", EngineFixture.targetTemperature(21), null,
        new CancellationThreshold(JobBatch.Measure.NUMBER, 2, false), options("{\"delivery\": {\"confirm\": true}}"));
    ticks(5);
    long version = await(f.deviceRepo.twin("q-01")).orElseThrow().desiredVersion();
    f.engine.reported("q-01", ack(version, 500, "broken"));
    f.engine.reported("q-02", ack(version, 500, "broken"));
    f.tickUntil(() -> f.status("j").isFinal(), 10);
    assertThat(f.status("j")).isEqualTo(JobStatus.CANCELLED);
    assertThat(f.job("j").progress()).isEqualTo(new JobProgress(6, 4, 0, 2));
  }

  @Test
  void aRerunOfAContinuousJobIsNotContinuousAndCompletes() {
    List<String> ids = f.fleet("u", 2, EngineFixture.TRUCK);
    f.channel.online.add(ids.get(0));
    f.create("j", "u", reboot(), null, null, options("{\"continuous\": true}"));
    f.tickUntil(() -> f.job("j").progress().failed() == 1, 20);
    f.channel.online.add(ids.get(1));
    await(f.jobs.rerun("j", "again"));
    f.tickUntil(() -> f.status("again").isFinal(), 20);
    assertThat(f.status("again")).isEqualTo(JobStatus.COMPLETE);
    assertThat(f.job("again").options().continuous()).isFalse();
    assertThat(f.job("again").progress()).isEqualTo(new JobProgress(1, 0, 1, 0));
  }
}
