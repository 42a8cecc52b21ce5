package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.Twin;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.domain.job.Attempt;
import io.flotilla.domain.job.AwaitedAck;
import io.flotilla.domain.job.BatchCounts;
import io.flotilla.domain.job.BatchState;
import io.flotilla.domain.job.Claim;
import io.flotilla.domain.job.CancellationThreshold;
import io.flotilla.domain.job.Claimed;
import io.flotilla.domain.job.DeviceJobStatus;
import io.flotilla.domain.job.DeviceResult;
import io.flotilla.domain.job.DeviceSource;
import io.flotilla.domain.job.EngineNode;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobBatch;
import io.flotilla.domain.job.JobDevice;
import io.flotilla.domain.job.JobItem;
import io.flotilla.domain.job.JobKind;
import io.flotilla.domain.job.Outcome;
import io.flotilla.domain.job.JobType;
import io.flotilla.domain.job.JobProgress;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.domain.job.Lease;
import io.flotilla.storage.sql.OverlayCompaction;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlJobRepository;
import io.flotilla.storage.sql.SqlJobWork;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.job.JobRepository} promises, on every database. */
abstract class JobRepositoryContract extends RepositoryContract {
  static final String TRUCK = "dtmi:contoso:Truck;1";
  static final String SENSOR = "dtmi:contoso:Sensor;2";
  static final Instant CREATED = Instant.parse("2030-01-02T03:04:05.123456Z");
  static final Instant NOW = Instant.parse("2030-01-02T03:05:00.654321Z");
  static final DeviceSource ALL = new DeviceSource.Matching(FilterParser.parse("SELECT * FROM devices"));

  static final String HOLDER = "node-a#1";
  static final Instant EXPIRES = NOW.plusSeconds(15);

  SqlJobRepository jobs;
  SqlJobWork work;
  SqlDeviceRepository devices;

  @BeforeEach
  void repositories() {
    jobs = new SqlJobRepository(db);
    work = new SqlJobWork(db);
    devices = new SqlDeviceRepository(db);
  }

  static Set<String> targets(Job job) {
    return job.type() == JobType.TEMPLATE_MIGRATION ? Set.of() : JobKind.targets(job);
  }

  static BatchCounts counts(long pending, long dispatched, long waiting, long completed, long failed) {
    return new BatchCounts(pending, dispatched, waiting, completed, failed);
  }

  List<Claimed> claim(String jobId, long to, int limit) {
    return await(work.claim(jobId, to, limit, HOLDER, EXPIRES)).devices();
  }

  void record(String jobId, List<Claimed> held, DeviceResult... results) {
    List<Outcome> outcomes = new ArrayList<>();
    for (DeviceResult r : results) {
      Claimed c = held.stream().filter(h -> h.seq() == r.seq()).findFirst().orElseThrow();
      outcomes.add(Outcome.last(c, r));
    }
    await(work.record(jobId, outcomes, Set.of()));
  }

  static Job job(String id, JobType kind, List<JobItem> items) {
    return new Job(id, "Job " + id, null, "group-1", kind, items, null, null, JobStatus.PENDING, null, List.of(),
        CREATED, null, null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null);
  }

  static JobItem command(String target) {
    return new JobItem("command", target, "reboot", json("{\"delay\":1}"), null);
  }

  static JobItem property(String target, String path, Object value) {
    return new JobItem("property", target, path, value(value), null);
  }

  void device(String id, String template) {
    await(devices.insert(new Device(id, id, template, true, false, false, "\"e\"", List.of()),
        Attestation.symmetricKey("p", "s")));
  }

  Job insertAndExpand(Job job, DeviceSource source, int batchSize) {
    await(jobs.insert(job));
    return await(work.expand(job, source, targets(job), total -> batchSize, NOW));
  }

  List<DeviceResult> rows(String jobId) {
    return readAllPages(p -> jobs.devices(jobId, p), 1000, r -> Long.toString(r.result().seq())).stream()
        .map(JobDevice::result).toList();
  }

  /** Five truck devices and a sensor and an unassigned one, inserted out of id order. */
  void fleet() {
    device("d-5", TRUCK);
    device("d-3", SENSOR);
    device("d-1", TRUCK);
    device("d-7", TRUCK);
    device("d-4", null);
    device("d-2", TRUCK);
    device("d-6", TRUCK);
  }

  // ---- jobs ----

  @Test
  void insertThenFindRoundTripsEveryField() {
    List<JobItem> items = List.of(new JobItem("PropertyJobData", TRUCK, "settings.label", value(UNICODE), null),
        new JobItem("property", TRUCK, "n", null, null),
        new JobItem("deviceTemplateMigration", null, null, null, SENSOR),
        new JobItem("command", TRUCK, "reboot", json("{\"a\":[1,2.5,true,null,\"ü\"]}"), null));
    Job full = new Job("job-1", UNICODE, UNICODE, "group-ü", JobType.PROPERTY, items,
        new JobBatch(JobBatch.Measure.PERCENTAGE, 12.5), new CancellationThreshold(JobBatch.Measure.NUMBER, 3, true),
        JobStatus.STOPPED, "sched-1", List.of("org-a", "org-b"), CREATED, CREATED.plusSeconds(1),
        CREATED.plusSeconds(2), new JobProgress(10, 7, 2, 1), 4, 1234, "why " + UNICODE, "job-0", JobOptions.NONE, null);
    Job bare = new Job("job-2", null, null, "g", JobType.COMMAND, List.of(command(TRUCK)), null, null,
        JobStatus.PENDING, null, List.of(), CREATED, null, null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null);
    Job perJob = new Job("job-3", "x", null, "g", JobType.CLOUD_PROPERTY, List.of(), null,
        new CancellationThreshold(JobBatch.Measure.PERCENTAGE, 50, false), JobStatus.RUNNING, null, List.of(), CREATED,
        null, null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null);
    await(jobs.insert(full));
    await(jobs.insert(bare));
    await(jobs.insert(perJob));

    assertThat(await(jobs.find("job-1"))).contains(full);
    assertThat(await(jobs.find("job-2"))).contains(bare);
    assertThat(await(jobs.find("job-3"))).contains(perJob);
    assertThat(await(jobs.find("absent"))).isEmpty();
  }

  @Test
  void insertOfAnExistingIdFailsWithConflict() {
    Job first = job("dup", JobType.COMMAND, List.of(command(TRUCK)));
    await(jobs.insert(first));
    assertThatThrownBy(() -> await(jobs.insert(job("dup", JobType.PROPERTY, List.of()))))
        .isInstanceOf(FlotillaException.Conflict.class);
    assertThat(await(jobs.find("dup"))).contains(first);
  }

  @Test
  void listPagesEveryJobOnceInIdOrderAndByScheduledJob() {
    List<String> ids = new ArrayList<>();
    for (int i = 11; i >= 0; i--) {
      String id = String.format("job-%02d", i);
      Job j = job(id, JobType.COMMAND, List.of(command(TRUCK)));
      await(jobs.insert(new Job(id, null, null, "g", JobType.COMMAND, j.items(), null, null, JobStatus.PENDING,
          i % 3 == 0 ? "sched-a" : "sched-b", List.of(), CREATED, null, null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null)));
      ids.add(0, id);
    }
    assertThat(readAllPages(p -> jobs.list(p), 5, Job::id)).extracting(Job::id).containsExactlyElementsOf(ids);
    assertThat(readAllPages(p -> jobs.listByScheduledJob("sched-a", p), 2, Job::id)).extracting(Job::id)
        .containsExactly("job-00", "job-03", "job-06", "job-09");
    assertThat(readAllPages(p -> jobs.listByScheduledJob("none", p), 2, Job::id)).isEmpty();
  }

  @Test
  void unfinishedAnswersPendingRunningAndStoppedJobs() {
    int i = 0;
    for (JobStatus s : JobStatus.values()) {
      Job j = job("job-" + s.wire(), JobType.COMMAND, List.of(command(TRUCK))).withStatus(s);
      await(jobs.insert(new Job(j.id(), null, null, "g", j.type(), j.items(), null, null, s, null, List.of(),
          CREATED.plusSeconds(10 - i++), null, null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null)));
    }
    assertThat(await(jobs.unfinished())).extracting(Job::id)
        .containsExactly("job-stopped", "job-running", "job-pending");
  }

  // ---- expansion ----

  @Test
  void expandNumbersDevicesInIdOrderAndFailsTemplateMismatchesAtOnce() {
    fleet();
    AtomicInteger seenTotal = new AtomicInteger(-1);
    await(jobs.insert(job("j", JobType.COMMAND, List.of(command(TRUCK)))));
    Job expanded = await(work.expand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, Set.of(TRUCK), total -> {
      seenTotal.set(total);
      return 3;
    }, NOW));

    assertThat(seenTotal.get()).isEqualTo(7);
    assertThat(expanded.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(expanded.start()).isEqualTo(NOW);
    assertThat(expanded.end()).isNull();
    assertThat(expanded.batchSize()).isEqualTo(3);
    assertThat(expanded.progress()).isEqualTo(new JobProgress(7, 5, 0, 2));
    assertThat(await(jobs.find("j"))).contains(expanded);

    List<DeviceResult> rows = rows("j");
    assertThat(rows).extracting(DeviceResult::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(rows).extracting(DeviceResult::deviceId).containsExactly("d-1", "d-2", "d-3", "d-4", "d-5", "d-6",
        "d-7");
    assertThat(rows).extracting(DeviceResult::status).containsExactly(DeviceJobStatus.PENDING,
        DeviceJobStatus.PENDING, DeviceJobStatus.FAILED, DeviceJobStatus.FAILED, DeviceJobStatus.PENDING,
        DeviceJobStatus.PENDING, DeviceJobStatus.PENDING);
    assertThat(rows.get(2).errorCode()).isEqualTo("TemplateMismatch");
    assertThat(rows.get(3).errorCode()).as("an unassigned device").isEqualTo("TemplateMismatch");
    assertThat(rows.get(2).errorMessage()).isNotBlank();
    assertThat(rows.get(0).errorCode()).isNull();
    assertThat(rows.get(0).at()).isEqualTo(NOW);
    assertThat(await(work.counts("j", 1, 7))).isEqualTo(counts(5, 0, 0, 0, 2));
    assertThat(await(work.counts("j", 1, 3))).isEqualTo(counts(2, 0, 0, 0, 1));
    assertThat(await(work.firstUnfinished("j"))).isEqualTo(1);
  }

  @Test
  void expandThroughAFilterStillNumbersDevicesInIdOrder() {
    for (int i = 0; i < 40; i++) {
      device(String.format("dev-%02d", (i * 7) % 40), i % 3 == 0 ? SENSOR : TRUCK);
    }
    Job expanded = insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))),
        new DeviceSource.Matching(FilterParser.parse("SELECT * FROM devices WHERE $template = \"" + TRUCK + "\"")), 0);

    List<String> trucks = IntStream.range(0, 40).filter(i -> i % 3 != 0).mapToObj(i -> String.format("dev-%02d", (i * 7) % 40))
        .sorted().toList();
    assertThat(expanded.progress().total()).isEqualTo(trucks.size());
    assertThat(rows("j")).extracting(DeviceResult::deviceId).containsExactlyElementsOf(trucks);
    assertThat(rows("j")).extracting(DeviceResult::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, trucks.size()).boxed().toList());
  }

  @Test
  void expandOfAFilterMatchingNothingGivesAnEmptyRunningJob() {
    fleet();
    Job expanded = insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))),
        new DeviceSource.Matching(FilterParser.parse("SELECT * FROM devices WHERE $id = 'nobody'")), 0);
    assertThat(expanded.progress()).isEqualTo(new JobProgress(0, 0, 0, 0));
    assertThat(expanded.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(rows("j")).isEmpty();
    assertThat(await(work.firstUnfinished("j"))).isZero();
  }

  @Test
  void devicePagesReturnEveryRowOnceInPositionOrder() {
    for (int i = 0; i < 23; i++) {
      device(String.format("dev-%02d", (i * 5) % 23), TRUCK);
    }
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    for (int limit : new int[] {1, 5, 23, 50}) {
      List<DeviceResult> rows = readAllPages(p -> jobs.devices("j", p), limit, r -> Long.toString(r.result().seq()))
          .stream().map(JobDevice::result).toList();
      assertThat(rows).extracting(DeviceResult::seq)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, 23).mapToObj(Long::valueOf).toList());
      assertThat(rows).extracting(DeviceResult::deviceId)
          .containsExactlyElementsOf(IntStream.range(0, 23).mapToObj(i -> String.format("dev-%02d", i)).toList());
    }
    assertThatThrownBy(() -> await(jobs.devices("j", new PageRequest("not-a-seq", 5))))
        .isInstanceOf(FlotillaException.Invalid.class);
  }

  @Test
  void aRerunCoversTheFailedDevicesOfTheOtherJobOnly() {
    fleet();
    insertAndExpand(job("first", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    List<Claimed> held = claim("first", 7, 100);
    record("first", held, DeviceResult.failed(2, "d-2", "DeviceNotOnline", "offline", null, NOW),
        DeviceResult.completed(1, "d-1", 200, NOW));

    Job rerun = insertAndExpand(job("rerun", JobType.COMMAND, List.of(command(TRUCK))),
        new DeviceSource.FailedIn("first"), 0);
    assertThat(rows("rerun")).extracting(DeviceResult::deviceId).containsExactly("d-2", "d-3", "d-4");
    assertThat(rows("rerun")).extracting(DeviceResult::seq).containsExactly(1L, 2L, 3L);
    assertThat(rerun.progress()).isEqualTo(new JobProgress(3, 1, 0, 2));
  }

  // ---- claims under leases / record / orphans ----

  List<Lease> leases() {
    return await(db.read(c -> {
      List<Lease> out = new ArrayList<>();
      try (var ps = c.prepareStatement("SELECT id, job_id, first_seq, last_seq, holder, expires_at FROM job_leases "
          + "ORDER BY id"); var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Lease(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3, Long.class),
              (Long) rs.getObject(4, Long.class), rs.getString(5), rs.getTimestamp(6).toInstant()));
        }
      }
      return out;
    }));
  }

  @Test
  void aClaimLeasesItsDevicesAsOneRangeAndNeverReturnsADeviceTwice() {
    fleet();
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);

    Claim first = await(work.claim("j", 7, 2, HOLDER, EXPIRES));
    assertThat(first.devices()).extracting(Claimed::deviceId).containsExactly("d-1", "d-2");
    assertThat(first.devices()).extracting(Claimed::attempt).containsOnly(1);
    assertThat(first.exhausted()).isFalse();
    assertThat(leases()).singleElement().satisfies(l -> {
      assertThat(l.id()).isEqualTo(first.devices().get(0).leaseId());
      assertThat(l.first()).isEqualTo(1L);
      assertThat(l.last()).isEqualTo(2L);
      assertThat(l.holder()).isEqualTo(HOLDER);
      assertThat(l.expires()).isEqualTo(EXPIRES);
    });
    assertThat(await(work.counts("j", 1, 7))).isEqualTo(counts(3, 2, 0, 0, 2));
    assertThat(rows("j").get(0).status()).isEqualTo(DeviceJobStatus.DISPATCHED);
    assertThat(rows("j").get(0).status().wire()).isEqualTo("pending");

    // the dispatched and failed rows are skipped; the claim that takes the last ones says so
    Claim second = await(work.claim("j", 7, 100, "node-b#2", EXPIRES));
    assertThat(second.devices()).extracting(Claimed::seq).containsExactly(5L, 6L, 7L);
    assertThat(second.exhausted()).isTrue();
    assertThat(second.devices().get(0).leaseId()).isNotEqualTo(first.devices().get(0).leaseId());
    assertThat(await(work.claim("j", 7, 100, HOLDER, EXPIRES))).isEqualTo(new Claim(List.of(), true));
    assertThat(await(work.counts("j", 1, 7))).isEqualTo(counts(0, 5, 0, 0, 2));
    assertThat(await(work.firstUnfinished("j"))).isEqualTo(1);
  }

  @Test
  void claimRespectsRangeAndLimitAndOnlyMovesForward() {
    for (int i = 1; i <= 9; i++) {
      device("d-" + i, TRUCK);
    }
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 3);

    assertThat(claim("j", 3, 2)).extracting(Claimed::seq).containsExactly(1L, 2L);
    assertThat(await(work.counts("j", 1, 3))).isEqualTo(counts(1, 2, 0, 0, 0));
    assertThat(await(work.counts("j", 4, 6))).isEqualTo(counts(3, 0, 0, 0, 0));
    Claim rest = await(work.claim("j", 3, 10, HOLDER, EXPIRES));
    assertThat(rest.devices()).extracting(Claimed::seq).containsExactly(3L);
    assertThat(rest.exhausted()).isTrue();
    assertThat(claim("j", 6, 10)).extracting(Claimed::seq).containsExactly(4L, 5L, 6L);
    assertThat(claim("j", 9, 1)).extracting(Claimed::seq).containsExactly(7L);
    assertThat(claim("j", 9, 10)).extracting(Claimed::seq).containsExactly(8L, 9L);
    assertThat(claim("j", 9, 10)).isEmpty();
    assertThat(await(work.claim("other-job", 9, 10, HOLDER, EXPIRES)).devices()).isEmpty();
  }

  @Test
  void aStoppedJobIsNotClaimed() {
    fleet();
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    await(jobs.transition("j", EnumSet.of(JobStatus.RUNNING), JobStatus.STOPPED, NOW, null));
    assertThat(await(work.claim("j", 7, 10, HOLDER, EXPIRES))).isEqualTo(Claim.NONE);
    assertThat(leases()).isEmpty();
  }

  @Test
  void concurrentClaimsNeverHandOutARowTwice() {
    for (int i = 0; i < 60; i++) {
      device(String.format("d-%02d", i), TRUCK);
    }
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    List<Long> seqs = new ArrayList<>();
    for (int round = 0; round < 12 && seqs.size() < 60; round++) {
      List<Future<Claim>> claims = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        claims.add(work.claim("j", 60, 2, "node-" + k + "#1", EXPIRES));
      }
      claims.stream().map(RepositoryContract::await).flatMap(c -> c.devices().stream()).map(Claimed::seq)
          .forEach(seqs::add);
      assertThat(seqs).as("round %d", round).doesNotHaveDuplicates();
    }
    BatchCounts counts = await(work.counts("j", 1, 60));
    assertThat(counts.dispatched()).isEqualTo(seqs.size());
    assertThat(counts.dispatched() + counts.pending()).isEqualTo(60);
  }

  @Test
  void recordCountsEachResultOnceOnlyForDevicesHeldAndReleasesFinishedLeases() {
    fleet();
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    List<Claimed> held = claim("j", 2, 10); // d-1, d-2 dispatched; d-5.. still pending
    long lease = held.get(0).leaseId();
    Instant at = NOW.plusMillis(1500);
    List<Outcome> results = List.of(Outcome.last(held.get(0), DeviceResult.completed(1, "d-1", 200, at)),
        Outcome.last(held.get(1), DeviceResult.failed(2, "d-2", "CommandFailed", "x".repeat(1500) + UNICODE, 500,
            at)));

    assertThat(await(work.record("j", results, Set.of()))).isEqualTo(2);
    assertThat(await(work.record("j", results, Set.of()))).as("again: already recorded").isZero();
    assertThat(await(work.record("j", List.of(new Outcome(lease, 1, DeviceResult.completed(5, "d-5", 200, at), null, null)),
        Set.of()))).as("not sent: ignored").isZero();
    assertThat(await(work.record("j", List.of(new Outcome(lease, 1, DeviceResult.completed(3, "d-3", 200, at), null, null)),
        Set.of()))).as("a failed row: ignored").isZero();
    assertThat(await(work.record("j", List.of(), Set.of()))).isZero();
    assertThat(leases()).hasSize(1);
    await(work.record("j", List.of(), Set.of(lease)));
    assertThat(leases()).as("released").isEmpty();

    Job j = await(jobs.find("j")).orElseThrow();
    assertThat(j.progress()).isEqualTo(new JobProgress(7, 3, 1, 3));
    List<DeviceResult> rows = rows("j");
    assertThat(rows.get(0)).isEqualTo(new DeviceResult(1, "d-1", DeviceJobStatus.COMPLETED, null, null, 200, at));
    assertThat(rows.get(1).status()).isEqualTo(DeviceJobStatus.FAILED);
    assertThat(rows.get(1).errorCode()).isEqualTo("CommandFailed");
    assertThat(rows.get(1).errorMessage()).hasSize(1000).startsWith("xxx");
    assertThat(rows.get(1).responseCode()).isEqualTo(500);
    assertThat(rows.get(2).errorCode()).isEqualTo("TemplateMismatch");
    assertThat(rows.get(4).status()).isEqualTo(DeviceJobStatus.PENDING);
    assertThat(await(work.counts("j", 1, 7))).isEqualTo(counts(3, 0, 0, 1, 3));
    JobDevice d1 = await(jobs.device("j", "d-1")).orElseThrow();
    assertThat(d1.attempts()).singleElement().isEqualTo(new Attempt(1, at, DeviceJobStatus.COMPLETED, null, null,
        200));
    assertThat(await(jobs.device("j", "d-3")).orElseThrow().attempts()).as("failed at expansion").isEmpty();
    assertThat(await(jobs.device("j", "d-5")).orElseThrow().attempts()).isEmpty();
    assertThat(await(jobs.device("j", "nobody"))).isEmpty();
  }

  @Test
  void concurrentRecordsOfTheSameResultCountItOnce() {
    for (int i = 0; i < 20; i++) {
      device(String.format("d-%02d", i), TRUCK);
    }
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    List<Claimed> claimed = claim("j", 20, 20);
    List<Outcome> results = claimed.stream()
        .map(c -> Outcome.last(c, DeviceResult.completed(c.seq(), c.deviceId(), 200, NOW))).toList();
    List<Future<Integer>> all = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      all.add(work.record("j", results, Set.of(claimed.get(0).leaseId())));
    }
    assertThat(all.stream().mapToInt(RepositoryContract::await).sum()).isEqualTo(20);
    assertThat(await(jobs.find("j")).orElseThrow().progress()).isEqualTo(new JobProgress(20, 0, 20, 0));
    assertThat(leases()).isEmpty();
  }

  @Test
  void aRetriedDeviceWaitsIsClaimedWhenDueAndKeepsEveryAttempt() {
    fleet();
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    List<Claimed> held = claim("j", 7, 10);
    Claimed d1 = held.get(0);
    Instant retryAt = NOW.plusSeconds(10);
    await(work.record("j", List.of(new Outcome(d1.leaseId(), 1, DeviceResult.failed(1, "d-1", "CommandFailed", "no",
        500, NOW), retryAt, null)), Set.of()));

    assertThat(await(work.counts("j", 1, 7))).isEqualTo(counts(0, 4, 1, 0, 2));
    assertThat(await(work.hasWaiting("j"))).isTrue();
    assertThat(await(jobs.find("j")).orElseThrow().progress()).as("waiting is not final")
        .isEqualTo(new JobProgress(7, 5, 0, 2));
    JobDevice waiting = await(jobs.device("j", "d-1")).orElseThrow();
    assertThat(waiting.result().status()).isEqualTo(DeviceJobStatus.WAITING);
    assertThat(waiting.result().status().wire()).isEqualTo("pending");
    assertThat(waiting.nextAttempt()).isEqualTo(retryAt);
    assertThat(waiting.attempts()).extracting(Attempt::n, Attempt::errorCode).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, "CommandFailed"));

    assertThat(await(work.claimDue("j", retryAt.minusMillis(1), 10, HOLDER, EXPIRES)).devices()).as("not yet")
        .isEmpty();
    Claim due = await(work.claimDue("j", retryAt, 10, HOLDER, EXPIRES));
    assertThat(due.devices()).singleElement().satisfies(c -> {
      assertThat(c.deviceId()).isEqualTo("d-1");
      assertThat(c.attempt()).isEqualTo(2);
      assertThat(c.leaseId()).isNotEqualTo(d1.leaseId());
    });
    assertThat(await(work.claimDue("j", retryAt, 10, HOLDER, EXPIRES)).devices()).as("held now").isEmpty();
    assertThat(await(work.counts("j", 1, 7))).isEqualTo(counts(0, 5, 0, 0, 2));

    Claimed again = due.devices().get(0);
    assertThat(await(work.record("j", List.of(Outcome.last(again, DeviceResult.completed(1, "d-1", 200,
        retryAt.plusSeconds(1)))), Set.of(again.leaseId())))).isEqualTo(1);
    JobDevice done = await(jobs.device("j", "d-1")).orElseThrow();
    assertThat(done.result().status()).isEqualTo(DeviceJobStatus.COMPLETED);
    assertThat(done.nextAttempt()).isNull();
    assertThat(done.attempts()).extracting(Attempt::n, Attempt::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, DeviceJobStatus.FAILED),
        org.assertj.core.groups.Tuple.tuple(2, DeviceJobStatus.COMPLETED));
    assertThat(await(work.hasWaiting("j"))).isFalse();
    assertThat(await(jobs.find("j")).orElseThrow().progress()).isEqualTo(new JobProgress(7, 4, 1, 2));
  }

  @Test
  void orphanedLeasesAreTheExpiredOnesOfOtherNodesAndEveryOneOfAnEarlierSelf() {
    fleet();
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    EngineNode self = new EngineNode("node-a", "node-a#2", java.time.Duration.ofSeconds(15));
    await(work.claim("j", 1, 1, "node-a#1", NOW.plusSeconds(60)));   // an earlier instance of this node
    await(work.claim("j", 2, 1, "node-b#1", NOW.plusSeconds(60)));   // another node, alive
    await(work.claim("j", 5, 1, "node-c#1", NOW.minusSeconds(1)));   // another node, expired
    await(work.claim("j", 6, 1, self.holder(), NOW.minusSeconds(1))); // this instance: never an orphan

    assertThat(await(work.orphanedLeases(self, NOW, true))).extracting(Lease::holder)
        .containsExactly("node-a#1", "node-c#1");
    assertThat(await(work.orphanedLeases(self, NOW, false))).as("after start-up: only expired ones")
        .extracting(Lease::holder).containsExactly("node-c#1");
    assertThat(await(work.renew("node-b#1", NOW.minusSeconds(5)))).isEqualTo(1);
    assertThat(await(work.orphanedLeases(self, NOW, true))).extracting(Lease::holder)
        .containsExactly("node-a#1", "node-b#1", "node-c#1");
  }

  @Test
  void settlingAnOrphanInterruptsItsDevicesOnceAndItsHolderCannotRecordThemAfter() {
    fleet();
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    List<Claimed> held = claim("j", 7, 3); // 1, 2, 5
    record("j", held, DeviceResult.completed(1, "d-1", 200, NOW));
    Lease lease = leases().get(0);
    assertThat(await(work.heldBy(lease))).extracting(Claimed::seq).containsExactly(2L, 5L);

    Instant later = NOW.plusSeconds(60);
    List<Outcome> interrupted = await(work.heldBy(lease)).stream().map(c -> Outcome.last(c,
        DeviceResult.failed(c.seq(), c.deviceId(), "Interrupted", "lost", null, later))).toList();
    assertThat(await(work.settleOrphan(lease, interrupted, later))).isTrue();
    assertThat(await(work.settleOrphan(lease, interrupted, later))).as("once").isFalse();
    assertThat(leases()).isEmpty();

    List<DeviceResult> rows = rows("j");
    assertThat(rows).extracting(DeviceResult::status).containsExactly(DeviceJobStatus.COMPLETED,
        DeviceJobStatus.FAILED, DeviceJobStatus.FAILED, DeviceJobStatus.FAILED, DeviceJobStatus.FAILED,
        DeviceJobStatus.PENDING, DeviceJobStatus.PENDING);
    assertThat(rows.get(1).errorCode()).isEqualTo("Interrupted");
    assertThat(rows.get(1).at()).isEqualTo(later);
    assertThat(rows.get(4).errorCode()).isEqualTo("Interrupted");
    assertThat(await(jobs.find("j")).orElseThrow().progress()).isEqualTo(new JobProgress(7, 2, 1, 4));
    // the old holder's late answer is dropped: its lease is gone
    assertThat(await(work.record("j", List.of(Outcome.last(held.get(1), DeviceResult.completed(2, "d-2", 200, NOW))),
        Set.of(lease.id())))).isZero();
    assertThat(await(jobs.find("j")).orElseThrow().progress()).isEqualTo(new JobProgress(7, 2, 1, 4));
    assertThat(claim("j", 7, 10)).extracting(Claimed::seq).containsExactly(6L, 7L);
  }

  @Test
  void aRenewedLeaseIsNotSettledAsAnOrphan() {
    fleet();
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    claim("j", 7, 2);
    Lease read = leases().get(0);
    await(work.renew(HOLDER, NOW.plusSeconds(30)));
    assertThat(await(work.settleOrphan(read, List.of(), NOW))).isFalse();
    assertThat(leases()).hasSize(1);
  }

  @Test
  void batchesStartOnceAndEndOnce() {
    fleet();
    Job job = insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 3);
    assertThat(await(work.latestBatch("j"))).isEmpty();
    BatchState first = BatchState.of(job, 0);
    assertThat(first).isEqualTo(new BatchState(0, 1, 3, BatchState.RUNNING));
    assertThat(BatchState.of(job, 2)).isEqualTo(new BatchState(2, 7, 7, BatchState.RUNNING));
    assertThat(await(work.startBatch("j", first, NOW))).isTrue();
    assertThat(await(work.startBatch("j", first, NOW))).isFalse();
    assertThat(await(work.latestBatch("j"))).contains(first);

    BatchState second = BatchState.of(job, 1);
    assertThat(await(work.endBatch("j", 0, BatchState.DONE, counts(0, 0, 0, 2, 1), second, null, null, NOW)))
        .isTrue();
    assertThat(await(work.endBatch("j", 0, BatchState.DONE, counts(0, 0, 0, 2, 1), second, null, null, NOW)))
        .isFalse();
    assertThat(await(work.latestBatch("j"))).contains(second);
    assertThat(await(jobs.find("j")).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(await(work.endBatch("j", 1, BatchState.GATED, counts(0, 0, 0, 0, 3), null, JobStatus.STOPPED,
        "SuccessGate", NOW))).isTrue();
    assertThat(await(work.latestBatch("j"))).contains(new BatchState(1, 4, 6, BatchState.GATED));
    Job gated = await(jobs.find("j")).orElseThrow();
    assertThat(gated.status()).as("in the same transaction as the batch").isEqualTo(JobStatus.STOPPED);
    assertThat(gated.statusReason()).isEqualTo("SuccessGate");
  }

  @Test
  void connectionWaitsAreWokenClaimedAndExpiredOnce() {
    fleet();
    insertAndExpand(job("j", JobType.COMMAND, List.of(command(TRUCK))), ALL, 0);
    List<Claimed> held = claim("j", 7, 10);
    Instant deadline = NOW.plusSeconds(60);
    List<Outcome> offline = held.stream().map(c -> new Outcome(c.leaseId(), 1, DeviceResult.failed(c.seq(),
        c.deviceId(), "DeviceNotOnline", "offline", null, NOW), null, deadline)).toList();
    await(work.record("j", offline, Set.of(held.get(0).leaseId())));
    assertThat(await(work.awaitingConnection("j"))).containsExactlyInAnyOrder("d-1", "d-2", "d-5", "d-6", "d-7");
    assertThat(await(work.nextDue("j"))).contains(deadline);
    assertThat(await(jobs.device("j", "d-1")).orElseThrow().attempts()).as("not reached: no attempt").isEmpty();

    assertThat(await(work.wake(List.of("d-1", "d-2", "nobody"), NOW.plusSeconds(5)))).isEqualTo(2);
    assertThat(await(work.wake(List.of("d-1"), NOW.plusSeconds(6)))).as("due already").isZero();
    Claim due = await(work.claimDue("j", NOW.plusSeconds(5), 10, HOLDER, EXPIRES));
    assertThat(due.devices()).extracting(Claimed::deviceId).containsExactly("d-1", "d-2");
    assertThat(due.devices()).extracting(Claimed::attempt).as("the first real attempt").containsOnly(1);
    assertThat(await(work.record("j", List.of(Outcome.last(due.devices().get(0), DeviceResult.completed(1, "d-1",
        200, NOW))), Set.of()))).isEqualTo(1);

    assertThat(await(work.expireWaits("j", deadline.minusMillis(1), "late"))).isZero();
    assertThat(await(work.expireWaits("j", deadline, "did not connect"))).isEqualTo(3);
    assertThat(await(work.expireWaits("j", deadline, "did not connect"))).isZero();
    assertThat(rows("j")).filteredOn(r -> "DeviceNotOnline".equals(r.errorCode()) && r.errorMessage().equals(
        "did not connect")).extracting(DeviceResult::deviceId).containsExactly("d-5", "d-6", "d-7");
    assertThat(await(jobs.find("j")).orElseThrow().progress()).as("d-2 is still held")
        .isEqualTo(new JobProgress(7, 1, 1, 5));
  }

  @Test
  void aConfirmedRangeAwaitsAcknowledgementsThatSettleOnce() {
    fleet();
    Job job = insertAndExpand(job("pj", JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 7))), ALL, 0);
    long v = await(work.applyDesiredAwaitingAck(job.id(), 1, 7, NOW, NOW.plusSeconds(30)));
    assertThat(v).isPositive();
    assertThat(await(devices.twin("d-1")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(7);
    assertThat(await(work.completedDeviceIds("pj", 1, 7))).containsExactly("d-1", "d-2", "d-5", "d-6", "d-7");
    assertThat(await(work.counts("pj", 1, 7))).isEqualTo(counts(0, 0, 5, 0, 2));
    List<AwaitedAck> awaited = await(work.awaitingAcknowledgement("pj", List.of("d-1", "d-2", "d-3")));
    assertThat(awaited).extracting(AwaitedAck::deviceId).containsExactlyInAnyOrder("d-1", "d-2");
    assertThat(awaited).extracting(AwaitedAck::version).containsOnly(v);
    List<DeviceResult> settled = List.of(DeviceResult.completed(1, "d-1", 200, NOW),
        DeviceResult.failed(2, "d-2", "PropertyRejected", "no", 400, NOW));
    assertThat(await(work.acknowledge("pj", settled))).isEqualTo(2);
    assertThat(await(work.acknowledge("pj", settled))).as("once").isZero();
    assertThat(await(jobs.find("pj")).orElseThrow().progress()).isEqualTo(new JobProgress(7, 3, 1, 3));
    assertThat(await(work.expireWaits("pj", NOW.plusSeconds(30), "no ack"))).isEqualTo(3);
  }

  @Test
  void aContinuousJobGainsMatchingDevicesOnce() {
    fleet();
    Job job = new Job("cj", "cj", null, "group-1", JobType.COMMAND, List.of(command(TRUCK)), null, null,
        JobStatus.PENDING, null, List.of(), CREATED, null, null, JobProgress.NONE, 0, 0, null, null,
        io.flotilla.domain.job.JobOptions.fromJson(json("{\"continuous\": true}")), null);
    await(jobs.insert(job));
    await(work.expand(job, new DeviceSource.Matching(FilterParser.parse("SELECT * FROM devices WHERE $id = 'd-1'")),
        Set.of(TRUCK), n -> 0, NOW));
    device("d-8", TRUCK);
    device("d-9", SENSOR);
    var filter = FilterParser.parse("SELECT * FROM devices WHERE $id IN [\"d-1\", \"d-8\", \"d-9\"]");
    assertThat(await(work.join("cj", filter, Set.of(TRUCK), List.of("d-1", "d-8", "d-9", "d-2"), NOW))).isEqualTo(2);
    assertThat(await(work.join("cj", filter, Set.of(TRUCK), List.of("d-8", "d-9"), NOW))).as("members once").isZero();
    assertThat(rows("cj")).extracting(DeviceResult::deviceId).containsExactly("d-1", "d-8", "d-9");
    assertThat(rows("cj").get(2).errorCode()).isEqualTo("TemplateMismatch");
    assertThat(await(jobs.find("cj")).orElseThrow().progress()).isEqualTo(new JobProgress(3, 2, 0, 1));
  }

  // ---- transitions ----

  @Test
  void transitionMovesOnlyFromTheGivenStatuses() {
    await(jobs.insert(job("j", JobType.COMMAND, List.of(command(TRUCK)))));

    assertThat(await(jobs.transition("j", EnumSet.of(JobStatus.RUNNING), JobStatus.COMPLETE, NOW, null))).isEmpty();
    assertThat(await(jobs.find("j")).orElseThrow().status()).isEqualTo(JobStatus.PENDING);

    Job running = await(jobs.transition("j", EnumSet.of(JobStatus.PENDING, JobStatus.STOPPED), JobStatus.RUNNING, NOW,
        null)).orElseThrow();
    assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(running.end()).as("not final: no end").isNull();

    Job stopped = await(jobs.transition("j", EnumSet.of(JobStatus.RUNNING), JobStatus.STOPPED, NOW, "paused"))
        .orElseThrow();
    assertThat(stopped.failure()).isEqualTo("paused");
    Job resumed = await(jobs.transition("j", EnumSet.of(JobStatus.STOPPED), JobStatus.RUNNING, NOW, null))
        .orElseThrow();
    assertThat(resumed.failure()).as("a null failure keeps the stored one").isEqualTo("paused");

    Instant end = NOW.plusSeconds(5);
    Job cancelled = await(jobs.transition("j", EnumSet.of(JobStatus.RUNNING), JobStatus.CANCELLED, end, UNICODE))
        .orElseThrow();
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelled.end()).isEqualTo(end);
    assertThat(cancelled.failure()).isEqualTo(UNICODE);
    assertThat(await(jobs.find("j"))).contains(cancelled);

    // the concurrent loser
    assertThat(await(jobs.transition("j", EnumSet.of(JobStatus.RUNNING), JobStatus.COMPLETE, NOW, null))).isEmpty();
    assertThat(await(jobs.find("j"))).contains(cancelled);
    assertThat(await(jobs.transition("absent", EnumSet.of(JobStatus.PENDING), JobStatus.RUNNING, NOW, null)))
        .isEmpty();
  }

  @Test
  void concurrentTransitionsHaveOneWinner() {
    await(jobs.insert(job("j", JobType.COMMAND, List.of(command(TRUCK))).withStatus(JobStatus.RUNNING)));
    List<Future<java.util.Optional<Job>>> all = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      all.add(jobs.transition("j", EnumSet.of(JobStatus.RUNNING), k % 2 == 0 ? JobStatus.COMPLETE : JobStatus.CANCELLED,
          NOW, null));
    }
    long winners = all.stream().map(RepositoryContract::await).filter(java.util.Optional::isPresent).count();
    assertThat(winners).isEqualTo(1);
  }

  // ---- property, cloud-property and migration jobs ----

  @Test
  void expandAndApplyPropertiesCompletesTheJobAndFoldsTheDesiredStateOnRead() {
    device("a", TRUCK);
    device("b", TRUCK);
    device("s", SENSOR);
    long before = await(devices.updateTwin("a", (t, v) -> t.withDesiredPatch(json("{\"old\":1}"), v.getAsLong(),
        "2030-01-01T00:00:00Z"))).orElseThrow().desiredVersion();
    Twin sensorBefore = await(devices.twin("s")).orElseThrow();

    Job job = job("pj", JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 21.5),
        property(TRUCK, "settings.label", UNICODE)));
    await(jobs.insert(job));
    Job done = await(work.expandAndApplyDesired(job, ALL, targets(job), NOW));

    assertThat(done.status()).isEqualTo(JobStatus.COMPLETE);
    assertThat(done.start()).isEqualTo(NOW);
    assertThat(done.end()).isEqualTo(NOW);
    assertThat(done.progress()).isEqualTo(new JobProgress(3, 0, 2, 1));
    assertThat(done.desiredVersion()).isGreaterThan(before);
    assertThat(await(jobs.find("pj"))).contains(done);
    assertThat(rows("pj")).extracting(DeviceResult::status).containsExactly(DeviceJobStatus.COMPLETED,
        DeviceJobStatus.COMPLETED, DeviceJobStatus.FAILED);

    for (String id : List.of("a", "b")) {
      Twin t = await(devices.twin(id)).orElseThrow();
      assertThat(t.desiredVersion()).isEqualTo(done.desiredVersion());
      assertThat(t.desired().path("targetTemp").asDouble()).isEqualTo(21.5);
      assertThat(t.desired().path("settings").path("label").asText()).isEqualTo(UNICODE);
      assertThat(t.desired().path("settings").has("__t")).isTrue();
      assertThat(t.desiredMetadata().path("targetTemp").path("desiredVersion").asLong())
          .isEqualTo(done.desiredVersion());
      assertThat(t.desiredMetadata().path("settings.label").path("lastUpdateTime").asText())
          .isEqualTo(NOW.toString());
    }
    assertThat(await(devices.twin("a")).orElseThrow().desired().path("old").asInt()).isEqualTo(1);
    assertThat(await(devices.twin("s"))).contains(sensorBefore);
  }

  @Test
  void propertyJobValuesAreFoldedIntoTheTwinOnWriteAndVersionsKeepIncreasing() {
    device("a", TRUCK);
    Job first = job("pj1", JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 20)));
    await(jobs.insert(first));
    long v1 = await(work.expandAndApplyDesired(first, ALL, targets(first), NOW)).desiredVersion();

    // the change sees the job's value, and the stored twin keeps it after the write
    List<Twin> seen = new ArrayList<>();
    Twin written = await(devices.updateTwin("a", t -> {
      seen.add(t);
      return DeviceRepositoryContract.withReported(t, "{\"targetTemp\":{\"ac\":200,\"av\":" + t.desiredVersion()
          + ",\"value\":20}}");
    })).orElseThrow();
    assertThat(seen.get(0).desired().path("targetTemp").asInt()).isEqualTo(20);
    assertThat(seen.get(0).desiredVersion()).isEqualTo(v1);
    assertThat(written.desiredVersion()).isEqualTo(v1);
    assertThat(tree(await(devices.twin("a")).orElseThrow())).isEqualTo(tree(written));

    Twin rest = await(devices.updateTwin("a", (t, versions) -> t.withDesiredPatch(json("{\"targetTemp\":22}"),
        versions.getAsLong(), NOW.toString()))).orElseThrow();
    long v2 = rest.desiredVersion();
    assertThat(v2).isGreaterThan(v1);

    Job second = job("pj2", JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 24), property(TRUCK, "mode",
        "eco")));
    await(jobs.insert(second));
    long v3 = await(work.expandAndApplyDesired(second, ALL, targets(second), NOW)).desiredVersion();
    assertThat(v3).isGreaterThan(v2);
    Twin afterSecond = await(devices.twin("a")).orElseThrow();
    assertThat(afterSecond.desiredVersion()).isEqualTo(v3);
    assertThat(afterSecond.desired().path("targetTemp").asInt()).as("the newer job wins").isEqualTo(24);
    assertThat(afterSecond.desired().path("mode").asText()).isEqualTo("eco");

    // an older job's row does not come back over a newer REST write
    Twin v4 = await(devices.updateTwin("a", (t, versions) -> t.withDesiredPatch(json("{\"targetTemp\":30}"),
        versions.getAsLong(), NOW.toString()))).orElseThrow();
    assertThat(v4.desiredVersion()).isGreaterThan(v3);
    Twin read = await(devices.twin("a")).orElseThrow();
    assertThat(read.desired().path("targetTemp").asInt()).isEqualTo(30);
    assertThat(read.desired().path("mode").asText()).isEqualTo("eco");
    assertThat(read.desiredVersion()).isEqualTo(v4.desiredVersion());
  }

  @Test
  void aTwinWriteDeletesTheOverlayRowsItFoldedAndOnlyThose() {
    device("a", TRUCK);
    device("b", TRUCK);
    Job first = job("pj1", JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 20)));
    await(jobs.insert(first));
    await(work.expandAndApplyDesired(first, ALL, targets(first), NOW));
    assertThat(overlays("a")).isEqualTo(1);

    await(devices.updateTwin("a", t -> DeviceRepositoryContract.withReported(t, "{\"seen\":1}")));
    assertThat(overlays("a")).as("folded into the stored twin").isZero();
    assertThat(overlays("b")).as("another device's row waits for its own write").isEqualTo(1);
    assertThat(await(devices.twin("a")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(20);
    assertThat(await(devices.twin("b")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(20);

    Job second = job("pj2", JobType.PROPERTY, List.of(property(TRUCK, "mode", "eco")));
    await(jobs.insert(second));
    await(work.expandAndApplyDesired(second, ALL, targets(second), NOW));
    Twin a = await(devices.twin("a")).orElseThrow();
    assertThat(a.desired().path("targetTemp").asInt()).as("kept in the stored twin").isEqualTo(20);
    assertThat(a.desired().path("mode").asText()).isEqualTo("eco");
    assertThat(overlays("a")).isEqualTo(1);
    assertThat(overlays("b")).isEqualTo(2);
  }

  @Test
  void compactionFoldsTheDevicesOfTheOldestVersionsOnceTooManyAreOutstanding() {
    device("a", TRUCK);
    device("c", TRUCK);
    for (int i = 1; i <= 5; i++) {
      if (i == 4) {
        device("b", TRUCK); // created after three jobs: only the last two apply to it
      }
      Job j = job("pj" + i, JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 20 + i)));
      await(jobs.insert(j));
      await(work.expandAndApplyDesired(j, ALL, targets(j), NOW));
    }
    assertThat(overlays("a")).isEqualTo(5);
    assertThat(overlays("b")).isEqualTo(2);
    Twin before = await(devices.twin("a")).orElseThrow();
    assertThat(before.desired().path("targetTemp").asInt()).isEqualTo(25);

    // five versions, three may stay: the oldest one's devices are folded, one per step here
    OverlayCompaction compaction = new OverlayCompaction(db, 1, 3);
    assertThat(await(compaction.step())).isEqualTo(new OverlayCompaction.Step(1, 1, 0, 0));
    assertThat(overlays("a")).as("all of a's versions folded at once").isZero();
    assertThat(overlays("c")).isEqualTo(5);
    assertThat(await(compaction.step())).isEqualTo(new OverlayCompaction.Step(1, 1, 0, 0));
    assertThat(overlays("c")).isZero();
    assertThat(await(compaction.step())).as("the oldest version is done").isEqualTo(new OverlayCompaction.Step(0, 0,
        0, 1));
    assertThat(await(compaction.step())).as("the second one had only a's and c's rows")
        .isEqualTo(new OverlayCompaction.Step(0, 0, 0, 1));
    assertThat(await(compaction.step())).as("three versions left").isEqualTo(OverlayCompaction.Step.NOTHING_DONE);
    assertThat(overlays("b")).as("b's versions are among the three kept").isEqualTo(2);

    Twin after = await(devices.twin("a")).orElseThrow();
    assertThat(tree(after.desired())).isEqualTo(tree(before.desired()));
    assertThat(after.desiredVersion()).isEqualTo(before.desiredVersion());
    assertThat(await(devices.twin("c")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(25);
    assertThat(await(devices.twin("b")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(25);
  }

  @Test
  void aCompactionStepGoesOnWithTheNextVersionsWhileItHasRoom() {
    device("a", TRUCK);
    device("b", TRUCK);
    for (int i = 1; i <= 4; i++) {
      Job j = job("pj" + i, JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 20 + i)));
      await(jobs.insert(j));
      await(work.expandAndApplyDesired(j, ALL, targets(j), NOW));
    }
    // the three oldest versions' rows are read (a and b in each), each device is folded once, all three retire
    OverlayCompaction compaction = new OverlayCompaction(db, 100, 1);
    assertThat(await(compaction.step())).isEqualTo(new OverlayCompaction.Step(6, 2, 0, 3));
    assertThat(overlays("a") + overlays("b")).isZero();
    assertThat(await(compaction.step())).isEqualTo(OverlayCompaction.Step.NOTHING_DONE);
    assertThat(await(devices.twin("b")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(24);

    // a window of 3: the emptied version left from before costs one unit, a and b of the next one fill the rest
    for (int i = 5; i <= 8; i++) {
      Job j = job("pj" + i, JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 20 + i)));
      await(jobs.insert(j));
      await(work.expandAndApplyDesired(j, ALL, targets(j), NOW));
    }
    OverlayCompaction small = new OverlayCompaction(db, 3, 1);
    assertThat(await(small.step())).as("the version left from before, then a and b of the next")
        .isEqualTo(new OverlayCompaction.Step(2, 2, 0, 1));
    assertThat(await(small.step())).as("three emptied versions, one unit each")
        .isEqualTo(new OverlayCompaction.Step(0, 0, 0, 3));
    assertThat(await(small.step())).isEqualTo(OverlayCompaction.Step.NOTHING_DONE);
    assertThat(await(devices.twin("a")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(28);
  }

  @Test
  void rowsFromBeforeADeviceWasCreatedAreSkippedOnReadAndDeletedByItsNextWrite() {
    device("c", TRUCK);
    Job j = job("pj1", JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 20)));
    await(jobs.insert(j));
    long v1 = await(work.expandAndApplyDesired(j, ALL, targets(j), NOW)).desiredVersion();
    await(devices.delete("c"));
    device("c", TRUCK); // a new device under the old id, created after the job's version
    await(db.transaction(c -> { // a row of the old device left behind (a race with the delete)
      try (var ps = c.prepareStatement("INSERT INTO desired_overlays (desired_version, device_id) VALUES (?, 'c')")) {
        ps.setLong(1, v1);
        return ps.executeUpdate();
      }
    }));

    assertThat(await(devices.twin("c")).orElseThrow().desired().has("targetTemp")).as("not the new device's state")
        .isFalse();
    assertThat(overlays("c")).isEqualTo(1);
    await(devices.updateTwin("c", t -> DeviceRepositoryContract.withReported(t, "{\"seen\":1}")));
    assertThat(overlays("c")).as("pruned by the write that read it").isZero();
    assertThat(await(devices.twin("c")).orElseThrow().desired().has("targetTemp")).isFalse();
  }

  @Test
  void compactionRemovesTheRowsOfDevicesThatNoLongerExistAndADeleteTakesItsOwn() {
    device("a", TRUCK);
    device("b", TRUCK);
    device("c", TRUCK);
    Job j = job("pj1", JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 20)));
    await(jobs.insert(j));
    long v1 = await(work.expandAndApplyDesired(j, ALL, targets(j), NOW)).desiredVersion();
    await(devices.delete("b"));
    assertThat(overlays("b")).as("deleted with the device").isZero();
    await(devices.delete("c"));
    device("c", TRUCK); // a new device under the old id: the old job is not its desired state
    await(db.transaction(c -> { // rows left behind (by a device deleted before deletes took their rows, or a race)
      try (var ps = c.prepareStatement("INSERT INTO desired_overlays (desired_version, device_id) VALUES (?, ?)")) {
        for (String id : List.of("ghost", "c")) {
          ps.setLong(1, v1);
          ps.setString(2, id);
          ps.addBatch();
        }
        return ps.executeBatch();
      }
    }));

    OverlayCompaction compaction = new OverlayCompaction(db, 100, 0);
    assertThat(await(compaction.step())).isEqualTo(new OverlayCompaction.Step(3, 2, 1, 1));
    assertThat(overlays("ghost")).isZero();
    assertThat(overlays("a")).isZero();
    assertThat(overlays("c")).as("retired with its version").isZero();
    assertThat(await(devices.twin("a")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(20);
    assertThat(await(devices.twin("c")).orElseThrow().desired().has("targetTemp")).isFalse();
    assertThat(await(compaction.step())).isEqualTo(OverlayCompaction.Step.NOTHING_DONE);
  }

  long overlays(String deviceId) {
    return await(db.read(c -> {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM desired_overlays WHERE device_id = ?")) {
        ps.setString(1, deviceId);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }));
  }

  @Test
  void applyRangeOfAPropertyJobAppliesOnlyItsPendingRows() {
    for (int i = 1; i <= 5; i++) {
      device("d-" + i, TRUCK);
    }
    Job job = insertAndExpand(job("pj", JobType.PROPERTY, List.of(property(TRUCK, "targetTemp", 7))), ALL, 2);
    long v = await(work.applyDesired(job.id(), 1, 2, NOW));
    assertThat(v).isPositive();
    assertThat(await(work.counts("pj", 1, 2))).isEqualTo(counts(0, 0, 0, 2, 0));
    assertThat(await(work.counts("pj", 3, 5))).isEqualTo(counts(3, 0, 0, 0, 0));
    assertThat(await(work.completedDeviceIds("pj", 1, 5))).containsExactly("d-1", "d-2");
    assertThat(await(devices.twin("d-1")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(7);
    assertThat(await(devices.twin("d-1")).orElseThrow().desiredVersion()).isEqualTo(v);
    assertThat(await(devices.twin("d-3")).orElseThrow().desired().has("targetTemp")).isFalse();
    assertThat(await(jobs.find("pj")).orElseThrow().progress()).isEqualTo(new JobProgress(5, 3, 2, 0));
    assertThat(await(work.firstUnfinished("pj"))).isEqualTo(3);

    long v2 = await(work.applyDesired(job.id(), 1, 4, NOW)); // rows 1-2 are done: only 3-4 count
    assertThat(v2).isGreaterThan(v);
    assertThat(await(jobs.find("pj")).orElseThrow().progress()).isEqualTo(new JobProgress(5, 1, 4, 0));
    assertThat(await(devices.twin("d-1")).orElseThrow().desiredVersion()).isEqualTo(v);
    assertThat(await(devices.twin("d-4")).orElseThrow().desiredVersion()).isEqualTo(v2);
  }

  @Test
  void applyRangeOfACloudPropertyJobWritesTheCloudDocumentAndIndex() {
    device("a", TRUCK);
    device("b", TRUCK);
    device("s", SENSOR);
    Job job = insertAndExpand(job("cj", JobType.CLOUD_PROPERTY, List.of(
        new JobItem("cloudProperty", TRUCK, "CustomerName", value(UNICODE), null))), ALL, 0);
    assertThat(await(work.applyCloudProperties(job.id(), 1, 3, io.flotilla.domain.job.DesiredPatch.of(job.items()),
        NOW))).isEqualTo(1);

    Twin a = await(devices.twin("a")).orElseThrow();
    assertThat(a.cloud().path("CustomerName").asText()).isEqualTo(UNICODE);
    assertThat(a.cloudMetadata().path("CustomerName").path("lastUpdateTime").asText()).isEqualTo(NOW.toString());
    assertThat(await(devices.twin("s")).orElseThrow().cloud().has("CustomerName")).isFalse();
    var matching = await(devices.list(FilterParser.parse(
        "SELECT * FROM devices WHERE contains(CustomerName, \"Čerpadlo\")"), PageRequest.first(10)));
    assertThat(matching.items()).extracting(Device::id).containsExactly("a", "b");
    assertThat(await(jobs.find("cj")).orElseThrow().progress()).isEqualTo(new JobProgress(3, 0, 2, 1));
  }

  @Test
  void applyRangeOfATemplateMigrationMovesTheDevices() {
    device("a", TRUCK);
    device("b", null);
    device("c", TRUCK);
    Job job = insertAndExpand(job("mj", JobType.TEMPLATE_MIGRATION, List.of(
        new JobItem("deviceTemplateMigration", null, null, null, SENSOR))), ALL, 2);
    assertThat(job.progress()).as("no template mismatch for a migration").isEqualTo(new JobProgress(3, 3, 0, 0));
    String etag = await(devices.find("a")).orElseThrow().etag();
    await(work.migrateTemplate(job.id(), 1, 2, SENSOR, NOW));

    assertThat(await(devices.find("a")).orElseThrow().templateId()).isEqualTo(SENSOR);
    assertThat(await(devices.find("a")).orElseThrow().etag()).isNotEqualTo(etag);
    assertThat(await(devices.find("b")).orElseThrow().templateId()).isEqualTo(SENSOR);
    assertThat(await(devices.find("c")).orElseThrow().templateId()).isEqualTo(TRUCK);
    assertThat(await(work.counts("mj", 1, 3))).isEqualTo(counts(1, 0, 0, 2, 0));
  }

  @Test
  void deviceIdsAnswersTheCompletedDevicesOfARangeInPositionOrder() {
    fleet();
    Job job = insertAndExpand(job("pj", JobType.PROPERTY, List.of(property(TRUCK, "x", 1))), ALL, 0);
    await(work.applyDesired(job.id(), 1, 6, NOW));
    assertThat(await(work.completedDeviceIds("pj", 1, 7))).containsExactly("d-1", "d-2", "d-5", "d-6");
    assertThat(await(work.completedDeviceIds("pj", 2, 5))).containsExactly("d-2", "d-5");
    Set<String> none = new HashSet<>(await(work.completedDeviceIds("pj", 7, 7)));
    assertThat(none).isEmpty();
    assertThat(IntStream.of(1).boxed().collect(Collectors.toList())).hasSize(1);
  }
}
