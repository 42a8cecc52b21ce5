package io.flotilla.domain.job;

import static io.flotilla.domain.job.EngineFixture.await;
import static io.flotilla.domain.job.EngineFixture.reboot;
import static io.flotilla.domain.job.EngineFixture.targetTemperature;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.job.JobBatch.Measure;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine over a real H2 database, ticked by hand, devices scripted through a fake channel. */
class JobEngineTest {
  private EngineFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new EngineFixture();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private Map<String, DeviceResult> byDevice(String jobId) {
    return f.results(jobId).stream().collect(Collectors.toMap(DeviceResult::deviceId, r -> r));
  }

  @Test
  void commandJobRecordsAnHonestResultPerDevice() {
    List<String> ids = f.fleet("t", 5, EngineFixture.TRUCK);
    f.channel.online.addAll(ids.subList(0, 4));
    f.channel.status.put("t-03", 500);
    f.create("cmd", "t", reboot(), null, null);
    assertThat(f.status("cmd")).isEqualTo(JobStatus.PENDING);

    f.tickUntil(() -> f.status("cmd").isFinal(), 50);

    Job job = f.job("cmd");
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(job.progress()).isEqualTo(new JobProgress(5, 0, 3, 2));
    Map<String, DeviceResult> r = byDevice("cmd");
    assertThat(r.get("t-01").status()).isEqualTo(DeviceJobStatus.COMPLETED);
    assertThat(r.get("t-01").responseCode()).isEqualTo(200);
    assertThat(r.get("t-03").status()).isEqualTo(DeviceJobStatus.FAILED);
    assertThat(r.get("t-03").responseCode()).isEqualTo(500);
    assertThat(r.get("t-05").errorCode()).isEqualTo("DeviceNotOnline");
    assertThat(f.channel.invoked).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(job.start()).isNotNull();
    assertThat(job.end()).isNotNull();
  }

  @Test
  void devicesOfAnotherTemplateFailWithoutBeingContacted() {
    f.fleet("mix", 2, EngineFixture.VAN);
    f.channel.online.addAll(List.of("mix-01", "mix-02"));
    f.create("m", "mix", reboot(), null, null);
    f.tickUntil(() -> f.status("m").isFinal(), 20);
    assertThat(f.results("m")).extracting(DeviceResult::errorCode).containsOnly("TemplateMismatch");
    assertThat(f.channel.invoked).isEmpty();
  }

  @Test
  void batchesRunInOrder() {
    List<String> ids = f.fleet("b", 5, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.hold = true;
    f.create("batched", "b", reboot(), new JobBatch(Measure.NUMBER, 2), null);
    f.tickUntil(() -> f.channel.held.size() == 2, 20);
    for (int i = 0; i < 5; i++) {
      f.tick();
    }
    assertThat(f.channel.invoked).containsExactly("b-01", "b-02");
    f.channel.releaseAll();
    f.tickUntil(() -> f.channel.invoked.size() == 4, 30);
    assertThat(f.channel.invoked).containsExactly("b-01", "b-02", "b-03", "b-04");
    f.channel.releaseAll();
    f.tickUntil(() -> f.channel.invoked.size() == 5, 30);
    f.channel.releaseAll();
    f.tickUntil(() -> f.status("batched").isFinal(), 30);
    assertThat(f.job("batched").progress().completed()).isEqualTo(5);
    assertThat(f.job("batched").batchSize()).isEqualTo(2);
  }

  @Test
  void percentageBatchesRoundUp() {
    List<String> ids = f.fleet("p", 5, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.create("pct", "p", reboot(), new JobBatch(Measure.PERCENTAGE, 25), null);
    f.tickUntil(() -> f.status("pct").isFinal(), 50);
    assertThat(f.job("pct").batchSize()).isEqualTo(2);
    assertThat(f.job("pct").progress().completed()).isEqualTo(5);
  }

  @Test
  void crossingTheJobThresholdCancelsAndLeavesTheRestPending() {
    List<String> ids = f.fleet("c", 6, EngineFixture.TRUCK);
    f.channel.online.addAll(ids.subList(2, 6));
    f.create("cancel", "c", reboot(), new JobBatch(Measure.NUMBER, 2),
        new CancellationThreshold(Measure.NUMBER, 2, false));
    f.tickUntil(() -> f.status("cancel").isFinal(), 50);
    Job job = f.job("cancel");
    assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(job.progress().failed()).isEqualTo(2);
    assertThat(job.progress().pending()).isEqualTo(4);
    assertThat(f.channel.invoked).containsExactly("c-01", "c-02");
    assertThat(f.results("cancel")).filteredOn(r -> r.status() == DeviceJobStatus.PENDING).hasSize(4);
  }

  @Test
  void aPerBatchThresholdLooksAtOneBatch() {
    List<String> ids = f.fleet("pb", 6, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.online.remove("pb-04");
    f.channel.online.remove("pb-05");
    f.create("perbatch", "pb", reboot(), new JobBatch(Measure.NUMBER, 3),
        new CancellationThreshold(Measure.PERCENTAGE, 50, true));
    f.tickUntil(() -> f.status("perbatch").isFinal(), 50);
    Job job = f.job("perbatch");
    assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(job.progress()).isEqualTo(new JobProgress(6, 0, 4, 2));
  }

  @Test
  void everyBatchIsSentWhenDevicesFailAtOnce() throws Exception {
    try (EngineFixture fast = new EngineFixture(EngineLimits.DEFAULT)) {
      List<String> ids = fast.fleet("off", 120, EngineFixture.TRUCK);
      fast.channel.online.addAll(ids.subList(0, 10));
      fast.create("batches", "off", reboot(), new JobBatch(Measure.NUMBER, 10), null);
      fast.tickUntil(() -> fast.status("batches").isFinal(), 200);
      Job job = fast.job("batches");
      assertThat(job.status()).isEqualTo(JobStatus.COMPLETE);
      assertThat(job.progress()).isEqualTo(new JobProgress(120, 0, 10, 110));
      assertThat(fast.channel.invoked).hasSize(120).doesNotHaveDuplicates();
    }
  }

  @Test
  void aPerBatchThresholdCancelsAsSoonAsTheBatchCrossesIt() throws Exception {
    try (EngineFixture small = new EngineFixture(new EngineLimits(100, 2, 100, java.time.Duration.ofSeconds(30)))) {
      List<String> ids = small.fleet("mid", 8, EngineFixture.TRUCK);
      small.channel.online.addAll(ids.subList(3, 8));
      small.create("midbatch", "mid", reboot(), new JobBatch(Measure.NUMBER, 8),
          new CancellationThreshold(Measure.NUMBER, 3, true));
      small.tickUntil(() -> small.status("midbatch").isFinal(), 50);
      Job job = small.job("midbatch");
      assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(job.progress().failed()).isEqualTo(3);
      assertThat(small.channel.invoked).as("two per tick: the batch's last devices are never sent")
          .doesNotContain("mid-07", "mid-08");
      assertThat(job.progress().pending()).isGreaterThanOrEqualTo(2);
      assertThat(job.progress().total()).isEqualTo(8);
    }
  }

  @Test
  void stopLetsInFlightDevicesFinishAndResumeDoesTheRest() {
    List<String> ids = f.fleet("s", 6, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.hold = true;
    f.create("stoppable", "s", reboot(), new JobBatch(Measure.NUMBER, 3), null);
    f.tickUntil(() -> f.channel.held.size() == 3, 20);
    await(f.jobs.stop("stoppable"));
    f.channel.releaseAll();
    for (int i = 0; i < 10; i++) {
      f.tick();
    }
    Job stopped = f.job("stoppable");
    assertThat(stopped.status()).isEqualTo(JobStatus.STOPPED);
    assertThat(stopped.progress()).isEqualTo(new JobProgress(6, 3, 3, 0));
    assertThat(f.channel.invoked).hasSize(3);

    f.channel.hold = false;
    await(f.jobs.resume("stoppable"));
    f.tickUntil(() -> f.status("stoppable").isFinal(), 50);
    assertThat(f.job("stoppable").progress()).isEqualTo(new JobProgress(6, 0, 6, 0));
    assertThat(f.channel.invoked).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void aJobStoppedBeforeItStartsIsNotExpandedUntilResumed() {
    List<String> ids = f.fleet("sb", 3, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.create("early", "sb", reboot(), null, null);
    await(f.jobs.stop("early"));
    for (int i = 0; i < 5; i++) {
      f.tick();
    }
    assertThat(f.status("early")).isEqualTo(JobStatus.STOPPED);
    assertThat(f.job("early").progress().total()).isZero();
    assertThat(f.channel.invoked).isEmpty();
    // A stale engine view (it still believes the job is pending) must not overwrite the stop either.
    Job stale = f.job("early").withStatus(JobStatus.PENDING);
    Job after = await(f.jobWork.expand(stale, new DeviceSource.FailedIn("none"), java.util.Set.of(), n -> 0,
        f.clock.instant()));
    assertThat(after.status()).isEqualTo(JobStatus.STOPPED);
    await(f.jobs.resume("early"));
    f.tickUntil(() -> f.status("early").isFinal(), 30);
    assertThat(f.job("early").progress()).isEqualTo(new JobProgress(3, 0, 3, 0));
  }

  @Test
  void theJobThresholdAlsoCountsDevicesThatFailAtExpansion() {
    f.fleet("tv", 2, EngineFixture.VAN);
    await(f.devices.put("tv-03", new io.flotilla.domain.device.DeviceService.Definition(null, EngineFixture.TRUCK,
        true, false, null, null)));
    await(f.groups.put("mixed", new io.flotilla.domain.group.GroupService.Definition("mixed", null,
        "SELECT * FROM devices WHERE $id IN [\"tv-01\", \"tv-02\", \"tv-03\"]", null, null)));
    f.create("thresholded", "mixed", targetTemperature(3), new JobBatch(Measure.NUMBER, 1),
        new CancellationThreshold(Measure.NUMBER, 2, false));
    f.tickUntil(() -> f.status("thresholded").isFinal(), 20);
    assertThat(f.job("thresholded").status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(f.job("thresholded").progress().failed()).isEqualTo(2);
    assertThat(f.twin("tv-03").desired().has("TargetTemperature")).isFalse();
  }

  @Test
  void resumeFinishesTheBatchStillInFlightBeforeTheNextOne() {
    List<String> ids = f.fleet("rb", 6, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.hold = true;
    f.create("resumable", "rb", reboot(), new JobBatch(Measure.NUMBER, 3), null);
    f.tickUntil(() -> f.channel.held.size() == 3, 20);
    await(f.jobs.stop("resumable"));
    await(f.jobs.resume("resumable"));
    for (int i = 0; i < 10; i++) {
      f.tick();
    }
    assertThat(f.channel.invoked).as("batch 2 waits for batch 1's answers").hasSize(3);
    f.channel.hold = false;
    f.channel.releaseAll();
    f.tickUntil(() -> f.status("resumable").isFinal(), 50);
    assertThat(f.job("resumable").progress()).isEqualTo(new JobProgress(6, 0, 6, 0));
    assertThat(f.channel.invoked).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void afterACrashTheInterruptedBatchIsJudgedByItsThreshold() {
    List<String> ids = f.fleet("cb", 6, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.hold = true;
    f.create("judged", "cb", reboot(), new JobBatch(Measure.NUMBER, 3),
        new CancellationThreshold(Measure.NUMBER, 2, true));
    f.tickUntil(() -> f.channel.held.size() == 3, 20);
    f.channel.held.clear();
    f.channel.hold = false;
    f.channel.invoked.clear();
    f.newEngine();
    await(f.engine.recover());
    f.tickUntil(() -> f.status("judged").isFinal(), 50);
    assertThat(f.job("judged").status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(f.channel.invoked).as("the next batch is not sent").isEmpty();
  }

  @Test
  void aTimeoutIsAFailureWithItsCode() {
    f.fleet("to", 1, EngineFixture.TRUCK);
    f.channel.online.add("to-01");
    f.channel.hold = true;
    f.create("timeout", "to", reboot(), null, null);
    f.tickUntil(() -> f.channel.held.containsKey("to-01"), 20);
    f.channel.timeOut("to-01");
    f.tickUntil(() -> f.status("timeout").isFinal(), 20);
    assertThat(f.results("timeout").get(0).errorCode()).isEqualTo("GatewayTimeout");
  }

  @Test
  void propertyJobCompletesEveryDeviceAndBecomesTheirDesiredState() {
    List<String> ids = f.fleet("pr", 4, EngineFixture.TRUCK);
    f.channel.online.add("pr-02");
    long before = f.twin("pr-01").desiredVersion();
    f.create("prop", "pr", targetTemperature(14.5), null, null);
    f.tickUntil(() -> f.status("prop").isFinal(), 10);

    Job job = f.job("prop");
    assertThat(job.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(job.progress()).isEqualTo(new JobProgress(4, 0, 4, 0));
    for (String id : ids) {
      var twin = f.twin(id);
      assertThat(twin.desired().get("TargetTemperature").asDouble()).isEqualTo(14.5);
      assertThat(twin.desiredVersion()).isGreaterThan(before).isEqualTo(job.desiredVersion());
    }
    assertThat(f.channel.pushes).hasSize(1);
    assertThat(f.channel.pushes.get(0).deviceId()).isEqualTo("pr-02");
    assertThat(f.channel.pushes.get(0).version()).isEqualTo(job.desiredVersion());
    assertThat(f.channel.invoked).isEmpty();
  }

  @Test
  void aLaterRestWriteWinsOverAnEarlierPropertyJobAndVersionsKeepRising() {
    f.fleet("w", 1, EngineFixture.TRUCK);
    f.create("prop1", "w", targetTemperature(10), null, null);
    f.tickUntil(() -> f.status("prop1").isFinal(), 10);
    long jobVersion = f.twin("w-01").desiredVersion();
    var body = EngineFixture.JSON.createObjectNode().put("TargetTemperature", 20.0);
    await(f.properties.write("w-01", null, body, false));
    assertThat(f.twin("w-01").desired().get("TargetTemperature").asDouble()).isEqualTo(20.0);
    assertThat(f.twin("w-01").desiredVersion()).isGreaterThan(jobVersion);
    f.create("prop2", "w", targetTemperature(30), null, null);
    f.tickUntil(() -> f.status("prop2").isFinal(), 10);
    assertThat(f.twin("w-01").desired().get("TargetTemperature").asDouble()).isEqualTo(30.0);
  }

  @Test
  void aPropertyJobThatCommitsAfterANewerWriteStillLandsPropertyByProperty() throws Exception {
    f.fleet("late", 1, EngineFixture.TRUCK);
    // A property job takes its version first ...
    f.create("slow-job", "late", targetTemperature(21.5), null, null);
    long early;
    try (var c = f.db.dataSource().getConnection(); var st = c.createStatement();
         var rs = st.executeQuery("SELECT NEXT VALUE FOR desired_versions")) {
      rs.next();
      early = rs.getLong(1);
    }
    // ... meanwhile a newer write of another property (a component one) raises the twin's version ...
    var fan = EngineFixture.JSON.createObjectNode();
    fan.putObject("settings").put("fan", 3.0);
    await(f.properties.write("late-01", null, fan, false));
    assertThat(f.twin("late-01").desiredVersion()).isGreaterThan(early);
    // ... and only then does the job's row commit, with the older version.
    try (var c = f.db.dataSource().getConnection();
         var head = c.prepareStatement("INSERT INTO overlay_versions (desired_version, job_id, updated_at) "
             + "VALUES (?, 'slow-job', CURRENT_TIMESTAMP)");
         var row = c.prepareStatement("INSERT INTO desired_overlays (desired_version, device_id) VALUES (?, 'late-01')")) {
      head.setLong(1, early);
      head.executeUpdate();
      row.setLong(1, early);
      row.executeUpdate();
    }
    assertThat(f.twin("late-01").desired().get("TargetTemperature").asDouble()).isEqualTo(21.5);
    assertThat(f.twin("late-01").desired().at("/settings/fan").asDouble()).isEqualTo(3.0);

    // A later REST write of the same property wins over the old row, and so does its removal.
    var set = EngineFixture.JSON.createObjectNode().put("TargetTemperature", 5.0);
    await(f.properties.write("late-01", null, set, false));
    assertThat(f.twin("late-01").desired().get("TargetTemperature").asDouble()).isEqualTo(5.0);
    var remove = EngineFixture.JSON.createObjectNode().putNull("TargetTemperature");
    await(f.properties.write("late-01", null, remove, false));
    assertThat(f.twin("late-01").desired().has("TargetTemperature")).isFalse();

    // A device created later under the same id does not inherit the old job's value.
    await(f.devices.delete("late-01"));
    await(f.devices.put("late-01", new io.flotilla.domain.device.DeviceService.Definition(null, EngineFixture.TRUCK,
        true, false, null, null)));
    assertThat(f.twin("late-01").desired().has("TargetTemperature")).isFalse();
  }

  @Test
  void batchedPropertyJobAppliesBatchByBatch() {
    f.fleet("bp", 5, EngineFixture.TRUCK);
    f.create("bprop", "bp", targetTemperature(7), new JobBatch(Measure.NUMBER, 2), null);
    f.tickUntil(() -> f.status("bprop").isFinal(), 20);
    assertThat(f.job("bprop").progress().completed()).isEqualTo(5);
    assertThat(f.twin("bp-05").desired().get("TargetTemperature").asDouble()).isEqualTo(7);
    assertThat(f.twin("bp-01").desiredVersion()).isLessThan(f.twin("bp-05").desiredVersion());
  }

  @Test
  void cloudPropertyAndMigrationJobsChangeTheDevices() {
    f.fleet("cm", 3, EngineFixture.TRUCK);
    f.create("cloud", "cm", new JobItem("cloudProperty", EngineFixture.TRUCK, "CustomerName",
        EngineFixture.JSON.getNodeFactory().textNode("Contoso"), null), null, null);
    f.tickUntil(() -> f.status("cloud").isFinal(), 10);
    assertThat(f.twin("cm-02").cloud().get("CustomerName").asText()).isEqualTo("Contoso");

    f.create("migrate", "cm", new JobItem("deviceTemplateMigration", null, null, null, EngineFixture.VAN), null, null);
    f.tickUntil(() -> f.status("migrate").isFinal(), 10);
    assertThat(f.job("migrate").progress().completed()).isEqualTo(3);
    assertThat(f.device("cm-03").templateId()).isEqualTo(EngineFixture.VAN);
  }

  @Test
  void rerunCoversExactlyTheFailedDevices() {
    List<String> ids = f.fleet("r", 4, EngineFixture.TRUCK);
    f.channel.online.addAll(List.of("r-01", "r-03"));
    f.create("first", "r", reboot(), null, null);
    f.tickUntil(() -> f.status("first").isFinal(), 20);
    f.channel.online.add("r-02");
    f.channel.invoked.clear();
    await(f.jobs.rerun("first", "again"));
    f.tickUntil(() -> f.status("again").isFinal(), 20);
    assertThat(f.results("again")).extracting(DeviceResult::deviceId).containsExactly("r-02", "r-04");
    assertThat(f.channel.invoked).containsExactlyInAnyOrder("r-02", "r-04");
    assertThat(f.job("again").progress()).isEqualTo(new JobProgress(2, 0, 1, 1));
    assertThat(ids).hasSize(4);
  }

  @Test
  void afterACrashSentCommandsAreInterruptedAndTheRestRunsOnce() {
    List<String> ids = f.fleet("k", 6, EngineFixture.TRUCK);
    f.channel.online.addAll(ids);
    f.channel.hold = true;
    f.create("crash", "k", reboot(), new JobBatch(Measure.NUMBER, 2), null);
    f.tickUntil(() -> f.channel.held.size() == 2, 20);
    // The "crash": the engine and its unrecorded answers are lost; a new engine recovers from the database.
    f.channel.held.clear();
    f.channel.hold = false;
    f.channel.invoked.clear();
    f.newEngine();
    await(f.engine.recover());
    f.tickUntil(() -> f.status("crash").isFinal(), 50);

    Map<String, DeviceResult> r = byDevice("crash");
    assertThat(r.get("k-01").errorCode()).isEqualTo("Interrupted");
    assertThat(r.get("k-02").errorCode()).isEqualTo("Interrupted");
    assertThat(f.channel.invoked).containsExactly("k-03", "k-04", "k-05", "k-06");
    assertThat(f.job("crash").progress()).isEqualTo(new JobProgress(6, 0, 4, 2));
  }

  @Test
  void jobsRunSideBySideWithinTheInFlightLimit() throws Exception {
    f.close();
    f = new EngineFixture(new EngineLimits(4, 4, 100, java.time.Duration.ofSeconds(30)));
    List<String> a = f.fleet("fa", 6, EngineFixture.TRUCK);
    List<String> b = f.fleet("fb", 6, EngineFixture.TRUCK);
    f.channel.online.addAll(a);
    f.channel.online.addAll(b);
    f.channel.hold = true;
    f.create("ja", "fa", reboot(), null, null);
    f.create("jb", "fb", reboot(), null, null);
    f.tickUntil(() -> f.channel.held.size() == 4, 20);
    assertThat(f.engine.inFlight()).isEqualTo(4);
    assertThat(f.channel.invoked).filteredOn(id -> id.startsWith("fa")).hasSize(2);
    assertThat(f.channel.invoked).filteredOn(id -> id.startsWith("fb")).hasSize(2);
    f.channel.hold = false;
    f.channel.releaseAll();
    f.tickUntil(() -> f.status("ja").isFinal() && f.status("jb").isFinal(), 60);
    assertThat(f.job("ja").progress().completed()).isEqualTo(6);
    assertThat(f.job("jb").progress().completed()).isEqualTo(6);
  }

  @Test
  void aJobWhoseGroupVanishedFails() {
    f.fleet("g", 1, EngineFixture.TRUCK);
    f.create("orphan", "g", reboot(), null, null);
    await(f.groups.delete("g"));
    f.tickUntil(() -> f.status("orphan").isFinal(), 10);
    assertThat(f.job("orphan").status()).isEqualTo(JobStatus.FAILED);
    assertThat(f.job("orphan").failure()).contains("group");
  }
}
