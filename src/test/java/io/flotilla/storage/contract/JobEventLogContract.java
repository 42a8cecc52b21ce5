package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.domain.job.Claimed;
import io.flotilla.domain.job.DeviceJobStatus;
import io.flotilla.domain.job.DeviceResult;
import io.flotilla.domain.job.DeviceSource;
import io.flotilla.domain.job.EngineNode;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobEvent;
import io.flotilla.domain.job.JobEvent.DeviceOutcome;
import io.flotilla.domain.job.JobEvent.StatusChanged;
import io.flotilla.domain.job.JobEventId;
import io.flotilla.domain.job.JobEventPage;
import io.flotilla.domain.job.JobEventSink;
import io.flotilla.domain.job.JobItem;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobProgress;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.domain.job.JobType;
import io.flotilla.domain.job.Lease;
import io.flotilla.domain.job.Outcome;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlJobEventLog;
import io.flotilla.storage.sql.SqlJobRepository;
import io.flotilla.storage.sql.SqlJobWork;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.job.JobEventLog} promises (with the writes that append to it), on every database. */
abstract class JobEventLogContract extends RepositoryContract {
  static final String TRUCK = "dtmi:contoso:Truck;1";
  static final String SENSOR = "dtmi:contoso:Sensor;2";
  static final Instant CREATED = Instant.parse("2030-01-02T03:04:05.123456Z");
  static final Instant NOW = Instant.parse("2030-01-02T03:05:00.654321Z");
  static final DeviceSource ALL = new DeviceSource.Matching(FilterParser.parse("SELECT * FROM devices"));
  static final String HOLDER = "node-a#1";

  final List<String> appended = new CopyOnWriteArrayList<>();
  volatile boolean exported;
  SqlJobRepository jobs;
  SqlJobWork work;
  SqlJobEventLog log;

  @BeforeEach
  void repositories() {
    appended.clear();
    exported = false;
    JobEventSink sink = new JobEventSink() {
      @Override
      public void appended(String jobId) {
        appended.add(jobId);
      }

      @Override
      public boolean exported() {
        return exported;
      }
    };
    jobs = new SqlJobRepository(db, sink);
    work = new SqlJobWork(db, sink);
    log = new SqlJobEventLog(db);
  }

  void fleet(int n, String template) {
    SqlDeviceRepository devices = new SqlDeviceRepository(db);
    for (int i = 1; i <= n; i++) {
      String id = String.format("d-%02d", i);
      await(devices.insert(new Device(id, id, template, true, false, false, "\"e\"", List.of()),
          Attestation.symmetricKey("p", "s")));
    }
  }

  static Job job(String id, JobType type, JobItem item) {
    return new Job(id, "Job " + id, null, "group-1", type, List.of(item), null, null, JobStatus.PENDING, null,
        List.of(), CREATED, null, null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null);
  }

  Job commandJob(String id) {
    Job job = job(id, JobType.COMMAND, new JobItem("command", TRUCK, "reboot", null, null));
    await(jobs.insert(job));
    return await(work.expand(job, ALL, Set.of(TRUCK), total -> 0, NOW));
  }

  List<Claimed> claim(String jobId, long to, int limit) {
    return await(work.claim(jobId, to, limit, HOLDER, NOW.plusSeconds(15))).devices();
  }

  void record(String jobId, List<Claimed> held, Set<Long> finished, long... seqs) {
    List<Outcome> outcomes = new ArrayList<>();
    for (long seq : seqs) {
      Claimed c = held.stream().filter(h -> h.seq() == seq).findFirst().orElseThrow();
      DeviceResult r = seq % 3 == 0 ? DeviceResult.failed(seq, c.deviceId(), "CommandFailed", "no " + seq, 500,
          NOW.plusSeconds(seq)) : DeviceResult.completed(seq, c.deviceId(), 200, NOW.plusSeconds(seq));
      outcomes.add(Outcome.last(c, r));
    }
    await(work.record(jobId, outcomes, finished));
  }

  JobEventPage read(String jobId, JobEventId after, int limit) {
    return await(log.after(jobId, after, limit)).orElseThrow();
  }

  /** Every event of the job's log, read {@code limit} at a time from the start. */
  List<JobEvent> readAll(String jobId, int limit) {
    List<JobEvent> out = new ArrayList<>();
    JobEventId at = JobEventId.START;
    for (int guard = 0; guard < 10_000; guard++) {
      JobEventPage page = read(jobId, at, limit);
      assertThat(page.events().size()).isLessThanOrEqualTo(limit);
      if (page.events().isEmpty()) {
        return out;
      }
      out.addAll(page.events());
      at = page.lastId(at);
    }
    throw new AssertionError("the log does not end");
  }

  static List<String> describe(List<JobEvent> events) {
    return events.stream().map(e -> e instanceof StatusChanged s ? e.id() + " " + s.status().wire()
        : e.id() + " " + ((DeviceOutcome) e).deviceId() + " " + ((DeviceOutcome) e).status().wire() + " #"
            + ((DeviceOutcome) e).attempt() + (((DeviceOutcome) e).last() ? "" : " again")).toList();
  }

  @Test
  void aJobsLogStartsPendingThenRunningThenItsTemplateMismatchesInPositionOrder() {
    fleet(4, TRUCK);
    new SqlDeviceRepository(db).insert(new Device("d-00", "d-00", SENSOR, true, false, false, "\"e\"", List.of()),
        Attestation.symmetricKey("p", "s")).toCompletionStage().toCompletableFuture().join();
    await(new SqlDeviceRepository(db).insert(new Device("d-99", "d-99", null, true, false, false, "\"e\"", List.of()),
        Attestation.symmetricKey("p", "s")));
    commandJob("j");

    List<JobEvent> events = readAll("j", 100);
    assertThat(describe(events)).containsExactly("1:0 pending", "2:0 running", "3:1 d-00 failed #0",
        "3:6 d-99 failed #0");
    DeviceOutcome mismatch = (DeviceOutcome) events.get(2);
    assertThat(mismatch.errorCode()).isEqualTo("TemplateMismatch");
    assertThat(mismatch.last()).isTrue();
    assertThat(((StatusChanged) events.get(0)).at()).isEqualTo(CREATED);
    assertThat(appended).containsOnly("j");
    assertThat(await(log.after("absent", JobEventId.START, 10))).isEmpty();
  }

  @Test
  void recordedOutcomesAreEntriesInCommitOrderAndAReadResumesAfterAnyIdWithoutGapOrRepeat() {
    fleet(9, TRUCK);
    commandJob("j");
    List<Claimed> first = claim("j", 9, 5);
    List<Claimed> second = claim("j", 9, 5);
    record("j", first, Set.of(), 4, 2, 5);          // answers out of position order: the entry reads them in order
    record("j", second, Set.of(), 7, 6);
    record("j", first, Set.of(first.get(0).leaseId()), 1, 3);
    record("j", second, Set.of(second.get(0).leaseId()), 9, 8);

    List<JobEvent> all = readAll("j", 1000);
    assertThat(describe(all)).containsExactly("1:0 pending", "2:0 running",
        "3:2 d-02 completed #1", "3:4 d-04 completed #1", "3:5 d-05 completed #1",
        "4:6 d-06 failed #1", "4:7 d-07 completed #1",
        "5:1 d-01 completed #1", "5:3 d-03 failed #1",
        "6:8 d-08 completed #1", "6:9 d-09 failed #1");
    DeviceOutcome failed = (DeviceOutcome) all.get(5);
    assertThat(failed.errorCode()).isEqualTo("CommandFailed");
    assertThat(failed.errorMessage()).isEqualTo("no 6");
    assertThat(failed.responseCode()).isEqualTo(500);
    assertThat(failed.at()).isEqualTo(NOW.plusSeconds(6));
    for (int limit = 1; limit <= 4; limit++) {
      assertThat(readAll("j", limit)).as("read %d at a time", limit).isEqualTo(all);
    }
    for (int i = 0; i < all.size(); i++) {
      assertThat(read("j", all.get(i).id(), 1000).events()).as("after %s", all.get(i).id())
          .isEqualTo(all.subList(i + 1, all.size()));
    }
    assertThat(read("j", new JobEventId(99, 0), 10).events()).isEmpty();
    assertThat(await(log.entry("j", 3))).isEqualTo(all.subList(2, 5));
    assertThat(await(log.entry("j", 2))).isEqualTo(all.subList(1, 2));
    assertThat(await(log.entry("j", 42))).isEmpty();
  }

  @Test
  void anAttemptAfterWhichADeviceWaitsIsAnEventAndItsLastAttemptCountsIt() {
    fleet(2, TRUCK);
    commandJob("j");
    List<Claimed> held = claim("j", 2, 10);
    Instant retryAt = NOW.plusSeconds(10);
    await(work.record("j", List.of(new Outcome(held.get(0).leaseId(), 1, DeviceResult.failed(1, "d-01",
        "CommandFailed", "busy", 503, NOW), retryAt, null), Outcome.last(held.get(1), DeviceResult.completed(2, "d-02", 200,
        NOW))), Set.of(held.get(0).leaseId())));
    Claimed again = await(work.claimDue("j", retryAt, 10, HOLDER, retryAt.plusSeconds(15))).devices().get(0);
    await(work.record("j", List.of(Outcome.last(again, DeviceResult.completed(1, "d-01", 200, retryAt))),
        Set.of(again.leaseId())));

    List<JobEvent> events = readAll("j", 10);
    assertThat(describe(events)).containsExactly("1:0 pending", "2:0 running", "3:1 d-01 failed #1 again",
        "3:2 d-02 completed #1", "4:1 d-01 completed #2");
    DeviceOutcome waited = (DeviceOutcome) events.get(2);
    assertThat(waited.responseCode()).isEqualTo(503);
    assertThat(waited.errorMessage()).isEqualTo("busy");
    assertThat(read("j", events.get(2).id(), 10).events()).isEqualTo(events.subList(3, 5));
  }

  @Test
  void aTransitionIsAStatusEventAndTheLogIsCompleteOnlyOnceTheJobIsFinalWithNoDeviceHeld() {
    fleet(3, TRUCK);
    commandJob("j");
    List<Claimed> held = claim("j", 3, 2);
    await(jobs.transition("j", EnumSet.of(JobStatus.RUNNING), JobStatus.CANCELLED, NOW, null, "CancellationThreshold"));
    JobEventPage page = read("j", JobEventId.START, 100);
    assertThat(describe(page.events())).containsExactly("1:0 pending", "2:0 running", "3:0 cancelled");
    assertThat(((StatusChanged) page.events().get(2)).reason()).isEqualTo("CancellationThreshold");
    assertThat(page.job().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(page.complete()).as("two devices are still held: their answers will be recorded").isFalse();

    record("j", held, Set.of(held.get(0).leaseId()), 1, 2);
    JobEventPage partial = read("j", JobEventId.START, 3);
    assertThat(partial.complete()).as("not read to the end").isFalse();
    JobEventPage rest = read("j", partial.lastId(JobEventId.START), 100);
    assertThat(describe(rest.events())).containsExactly("4:1 d-01 completed #1", "4:2 d-02 completed #1");
    assertThat(rest.complete()).isTrue();
    assertThat(rest.job().progress()).isEqualTo(new JobProgress(3, 1, 2, 0));
    assertThat(read("j", rest.lastId(JobEventId.START), 100).complete()).isTrue();
    assertThat(await(jobs.transition("j", EnumSet.of(JobStatus.RUNNING), JobStatus.STOPPED, NOW, null)))
        .as("a refused transition appends nothing").isEmpty();
    assertThat(readAll("j", 100)).hasSize(5);
  }

  @Test
  void anOrphanSettledIsAnEntryOfInterruptedOutcomes() {
    fleet(3, TRUCK);
    commandJob("j");
    List<Claimed> held = claim("j", 3, 3);
    record("j", held, Set.of(), 2);
    Lease lease = await(work.orphanedLeases(EngineNode.start("node-a", EngineNode.DEFAULT_LEASE), NOW, true)).get(0);
    List<Outcome> interrupted = await(work.heldBy(lease)).stream().map(c -> Outcome.last(c,
        DeviceResult.failed(c.seq(), c.deviceId(), "Interrupted", "stopped", null, NOW.plusSeconds(30)))).toList();
    assertThat(await(work.settleOrphan(lease, interrupted, NOW.plusSeconds(30)))).isTrue();

    assertThat(describe(readAll("j", 100))).containsExactly("1:0 pending", "2:0 running", "3:2 d-02 completed #1",
        "4:1 d-01 failed #1", "4:3 d-03 failed #1");
  }

  @Test
  void appliedRangesAndAWholePropertyJobAreEntriesOfCompletedDevices() {
    fleet(4, TRUCK);
    Job migration = job("m", JobType.TEMPLATE_MIGRATION, new JobItem("deviceTemplateMigration", null, null, null,
        SENSOR));
    await(jobs.insert(migration));
    await(work.expand(migration, ALL, Set.of(), total -> 2, NOW));
    await(work.migrateTemplate("m", 3, 4, SENSOR, NOW.plusSeconds(1)));
    await(work.migrateTemplate("m", 3, 4, SENSOR, NOW.plusSeconds(2))); // nothing pending: no entry, no number
    await(work.migrateTemplate("m", 1, 2, SENSOR, NOW.plusSeconds(3)));
    assertThat(describe(readAll("m", 100))).containsExactly("1:0 pending", "2:0 running", "3:3 d-03 completed #1",
        "3:4 d-04 completed #1", "4:1 d-01 completed #1", "4:2 d-02 completed #1");

    Job property = job("p", JobType.PROPERTY, new JobItem("property", SENSOR, "t", value(21.5), null));
    await(jobs.insert(property));
    await(work.expandAndApplyDesired(property, ALL, Set.of(SENSOR), NOW));
    assertThat(describe(readAll("p", 2))).containsExactly("1:0 pending", "2:1 d-01 completed #1",
        "2:2 d-02 completed #1", "2:3 d-03 completed #1", "2:4 d-04 completed #1", "3:0 complete");
    assertThat(read("p", new JobEventId(3, 0), 10).complete()).isTrue();
  }

  @Test
  void withAnExportOfJobEventsEachEntryIsQueuedOncePerDestinationInTheSameTransaction() throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO data_exports (id, display_name, enabled, source, settings, created_at) VALUES "
          + "('jobs-out', 'x', TRUE, 'jobs', '{}', CURRENT_TIMESTAMP), "
          + "('off', 'x', FALSE, 'jobs', '{}', CURRENT_TIMESTAMP), "
          + "('telemetry-out', 'x', TRUE, 'telemetry', '{}', CURRENT_TIMESTAMP)");
      s.executeUpdate("INSERT INTO data_export_routes (export_id, destination_id, position) VALUES "
          + "('jobs-out', 'a', 0), ('jobs-out', 'b', 1), ('off', 'a', 0), ('telemetry-out', 'a', 0)");
    }
    fleet(2, TRUCK);
    await(jobs.insert(job("before", JobType.COMMAND, new JobItem("command", TRUCK, "reboot", null, null))));
    exported = true;
    commandJob("j");
    List<Claimed> held = claim("j", 2, 2);
    record("j", held, Set.of(held.get(0).leaseId()), 1, 2);

    List<String> queued = db.read(c -> {
      List<String> out = new ArrayList<>();
      try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT destination_id, export_id, job_id, "
          + "job_entry, body, attempts FROM export_outbox ORDER BY job_id, job_entry, destination_id")) {
        while (rs.next()) {
          out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + ":" + rs.getLong(4) + " "
              + rs.getString(5) + " " + rs.getInt(6));
        }
      }
      return out;
    }).toCompletionStage().toCompletableFuture().join();
    assertThat(queued).containsExactly("a jobs-out j:1 null 0", "b jobs-out j:1 null 0", "a jobs-out j:2 null 0",
        "b jobs-out j:2 null 0", "a jobs-out j:3 null 0", "b jobs-out j:3 null 0");
  }

  @Test
  void theSinkHearsOfEveryWriteThatAppended() {
    fleet(1, TRUCK);
    commandJob("j");
    List<Claimed> held = claim("j", 1, 1);
    appended.clear();
    record("j", held, Set.of(held.get(0).leaseId()), 1);
    assertThat(appended).containsExactly("j");
    assertThat(readAll("j", 100)).last().extracting(e -> ((DeviceOutcome) e).status())
        .isEqualTo(DeviceJobStatus.COMPLETED);
  }
}
