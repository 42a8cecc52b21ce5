package io.flotilla.domain.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.testing.ManualClock;
import io.flotilla.testing.ScratchDirectories;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.job.JobSchedule.Recurrence;
import io.flotilla.domain.template.TemplateService;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlGroupRepository;
import io.flotilla.storage.sql.SqlJobRepository;
import io.flotilla.storage.sql.SqlScheduledJobRepository;
import io.flotilla.storage.sql.SqlTemplateRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JobScheduler} driven by hand with a mutable clock, against the real SQL repositories on an H2 file database
 * ({@link JobSchedulerPostgresTest}: the same on PostgreSQL).
 * The job engine is never ticked, so spawned jobs stay pending and nothing but the scheduler acts.
 */
class JobSchedulerTest {
  private static final String TEMPLATE = "dtmi:contoso:SchedTruck;1";
  private static final Instant T0 = Instant.parse("2030-03-01T08:00:00Z");

  private Vertx vertx;
  private Path dir;
  private Database db;
  private ManualClock clock;
  private GroupService groups;
  private JobService jobs;
  private ScheduledJobService scheduled;
  private JobScheduler scheduler;

  @BeforeEach
  void setUp() throws IOException {
    vertx = Vertx.vertx();
    dir = ScratchDirectories.create("flotilla-scheduler");
    db = open(vertx, dir);
    clock = new ManualClock(T0.minusSeconds(60));
    var deviceRepo = new SqlDeviceRepository(db);
    groups = new GroupService(new SqlGroupRepository(db));
    TemplateService templates = new TemplateService(new SqlTemplateRepository(db), groups);
    var jobRepo = new SqlJobRepository(db);
    var jobWork = new io.flotilla.storage.sql.SqlJobWork(db);
    JobEngine engine = new JobEngine(jobRepo, jobWork, groups, new JobKinds(jobWork, DeviceChannel.NONE,
        EngineLimits.DEFAULT.commandTimeout(), clock), clock, EngineLimits.DEFAULT,
        EngineNode.start("test", EngineNode.DEFAULT_LEASE));
    jobs = new JobService(jobRepo, groups, new io.flotilla.domain.device.GroupMembers(groups, deviceRepo), templates, engine, clock);
    var scheduledRepo = new SqlScheduledJobRepository(db);
    scheduled = new ScheduledJobService(scheduledRepo, jobs, groups, templates);
    scheduler = new JobScheduler(scheduledRepo, jobs, clock);

    await(templates.put(TEMPLATE, truckTemplate()));
    await(groups.put("trucks", new GroupService.Definition("Trucks", null,
        "SELECT * FROM devices WHERE $template = \"" + TEMPLATE + "\"", null, null)));
  }

  /** The database under test: an H2 file in {@code dir} (a subclass runs the same tests on PostgreSQL). */
  Database open(Vertx vertx, Path dir) {
    return Database.open(vertx, "jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE", null, null, null);
  }

  @AfterEach
  void tearDown() throws IOException {
    db.close();
    await(vertx.close());
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aOneTimeScheduleStartsOneJobAtItsStartAndCompletes() {
    ScheduledJob sj = put("once", JobSchedule.once(T0), null);
    tick();
    assertThat(spawned("once")).as("not due yet").isEmpty();

    clock.set(T0);
    tick();
    tick();
    List<Job> runs = spawned("once");
    assertThat(runs).hasSize(1);
    Job run = runs.get(0);
    assertThat(run.id()).isEqualTo(sj.runJobId(1));
    assertThat(run.displayName()).isEqualTo("Reboot - 1");
    assertThat(run.description()).isEqualTo("scheduled reboot");
    assertThat(run.scheduledJobId()).isEqualTo("once");
    assertThat(run.groupId()).isEqualTo("trucks");
    assertThat(run.status()).isEqualTo(JobStatus.PENDING);
    ScheduledJob stored = await(scheduled.get("once"));
    assertThat(stored.completed()).isTrue();
    assertThat(stored.runs()).isEqualTo(1);
    assertThat(stored.nextRunAt()).isNull();

    clock.advance(Duration.ofDays(30));
    tick();
    assertThat(spawned("once")).hasSize(1);
  }

  @Test
  void aDailyScheduleRunsOncePerDayWithNumberedNamesAndNoDuplicatesAtTheSameInstant() {
    ScheduledJob sj = put("daily", new JobSchedule(T0, Recurrence.DAILY, null, null), null);
    clock.set(T0);
    // Two ticks at once join; a third at the same instant finds nothing due.
    Future<Void> a = scheduler.tick();
    Future<Void> b = scheduler.tick();
    await(a);
    await(b);
    tick();
    assertThat(names("daily")).containsExactly("Reboot - 1");

    clock.set(T0.plus(Duration.ofDays(1)).plusSeconds(1));
    tick();
    tick();
    assertThat(names("daily")).containsExactlyInAnyOrder("Reboot - 1", "Reboot - 2");
    assertThat(spawned("daily")).extracting(Job::id).containsExactlyInAnyOrder(sj.runJobId(1), sj.runJobId(2));
    assertThat(spawned("daily")).allSatisfy(j -> assertThat(j.scheduledJobId()).isEqualTo("daily"));
    ScheduledJob stored = await(scheduled.get("daily"));
    assertThat(stored.nextRunAt()).isEqualTo(T0.plus(Duration.ofDays(2)));
    assertThat(stored.completed()).isFalse();
  }

  @Test
  void afterDowntimeMissedOccurrencesRunOnceAndTheScheduleMovesPastNow() {
    put("daily", new JobSchedule(T0, Recurrence.DAILY, null, null), null);
    clock.set(T0.plus(Duration.ofDays(5)).plus(Duration.ofHours(3)));
    tick();
    tick();
    assertThat(names("daily")).containsExactly("Reboot - 1");
    assertThat(await(scheduled.get("daily")).nextRunAt()).isEqualTo(T0.plus(Duration.ofDays(6)));
  }

  @Test
  void aCrashBetweenStartingAndRecordingARunNeverStartsItTwice() throws Exception {
    ScheduledJob sj = put("daily", new JobSchedule(T0, Recurrence.DAILY, null, 2), null);
    clock.set(T0);
    tick();
    assertThat(spawned("daily")).hasSize(1);
    // Undo the record of run 1, as if the server died after starting its job.
    await(db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE scheduled_jobs SET runs = 0, next_run_at = ?, completed = FALSE WHERE id = 'daily'")) {
        ps.setTimestamp(1, Timestamp.from(T0));
        return ps.executeUpdate();
      }
    }));
    tick();
    assertThat(spawned("daily")).extracting(Job::id).containsExactly(sj.runJobId(1));
    ScheduledJob stored = await(scheduled.get("daily"));
    assertThat(stored.runs()).as("the run is recorded this time").isEqualTo(1);
    assertThat(stored.nextRunAt()).isEqualTo(T0.plus(Duration.ofDays(1)));

    clock.set(T0.plus(Duration.ofDays(1)));
    tick();
    assertThat(names("daily")).containsExactlyInAnyOrder("Reboot - 1", "Reboot - 2");
    assertThat(await(scheduled.get("daily")).completed()).as("2 occurrences").isTrue();
    clock.set(T0.plus(Duration.ofDays(2)));
    tick();
    assertThat(spawned("daily")).hasSize(2);
  }

  @Test
  void aDisabledScheduleStartsNothingUntilEnabledThenRunsItsMissedOccurrenceOnce() {
    put("paused", new JobSchedule(T0, Recurrence.DAILY, null, null), false);
    clock.set(T0.plus(Duration.ofDays(3)));
    tick();
    assertThat(spawned("paused")).isEmpty();

    ScheduledJob stored = await(scheduled.get("paused"));
    await(scheduled.put("paused", new ScheduledJobService.Definition(stored.definition(), stored.schedule(), true,
        stored.etag())));
    tick();
    tick();
    assertThat(names("paused")).containsExactly("Reboot - 1");
    assertThat(await(scheduled.get("paused")).nextRunAt()).isEqualTo(T0.plus(Duration.ofDays(4)));
  }

  @Test
  void aRunWhoseGroupIsGoneIsSkippedAndTheScheduleMovesOn() {
    put("orphan", new JobSchedule(T0, Recurrence.WEEKLY, null, null), null);
    await(groups.delete("trucks"));
    clock.set(T0);
    tick();
    assertThat(spawned("orphan")).isEmpty();
    ScheduledJob stored = await(scheduled.get("orphan"));
    assertThat(stored.runs()).isZero();
    assertThat(stored.nextRunAt()).isEqualTo(T0.plus(Duration.ofDays(7)));
  }

  @Test
  void replacingTheScheduleRecomputesTheNextRunAndKeepsNumbering() {
    put("daily", new JobSchedule(T0, Recurrence.DAILY, null, null), null);
    clock.set(T0);
    tick();
    Instant newStart = T0.plus(Duration.ofDays(10));
    ScheduledJob stored = await(scheduled.get("daily"));
    await(scheduled.put("daily", new ScheduledJobService.Definition(stored.definition(),
        new JobSchedule(newStart, Recurrence.WEEKLY, null, null), null, null)));
    assertThat(await(scheduled.get("daily")).nextRunAt()).isEqualTo(newStart);

    clock.set(T0.plus(Duration.ofDays(1)));
    tick();
    assertThat(spawned("daily")).as("the old daily occurrence is gone").hasSize(1);
    clock.set(newStart);
    tick();
    assertThat(names("daily")).containsExactlyInAnyOrder("Reboot - 1", "Reboot - 2");
  }

  @Test
  void twoNodesRacingForEveryOccurrenceStartOneJobEach() {
    // a second node: its own engine, job service and scheduler on the same database
    var deviceRepo = new SqlDeviceRepository(db);
    TemplateService templates = new TemplateService(new SqlTemplateRepository(db), groups);
    var jobRepo = new SqlJobRepository(db);
    var jobWork = new io.flotilla.storage.sql.SqlJobWork(db);
    JobEngine engine = new JobEngine(jobRepo, jobWork, groups, new JobKinds(jobWork, DeviceChannel.NONE,
        EngineLimits.DEFAULT.commandTimeout(), clock), clock, EngineLimits.DEFAULT,
        EngineNode.start("other", EngineNode.DEFAULT_LEASE));
    JobService otherJobs = new JobService(jobRepo, groups,
        new io.flotilla.domain.device.GroupMembers(groups, deviceRepo), templates, engine, clock);
    JobScheduler other = new JobScheduler(new SqlScheduledJobRepository(db), otherJobs, clock);

    put("raced", new JobSchedule(T0, Recurrence.DAILY, null, null), null);
    for (int day = 0; day < 5; day++) {
      clock.set(T0.plus(Duration.ofDays(day)).plusSeconds(1));
      for (int round = 0; round < 3; round++) {
        Future<Void> a = scheduler.tick();
        Future<Void> b = other.tick();
        await(a);
        await(b);
      }
    }
    assertThat(names("raced")).containsExactlyInAnyOrder("Reboot - 1", "Reboot - 2", "Reboot - 3", "Reboot - 4",
        "Reboot - 5");
    assertThat(await(scheduled.get("raced")).runs()).isEqualTo(5);
  }

  private ScheduledJob put(String id, JobSchedule schedule, Boolean enabled) {
    JobDefinition d = new JobDefinition("Reboot", "scheduled reboot", "trucks",
        List.of(new JobItem("command", TEMPLATE, "reboot", null, null)), null, null, null, JobOptions.NONE);
    return await(scheduled.put(id, new ScheduledJobService.Definition(d, schedule, enabled, null)));
  }

  private List<Job> spawned(String id) {
    Page<Job> page = await(jobs.listByScheduledJob(id, PageRequest.first(100)));
    return page.items();
  }

  private List<String> names(String id) {
    return spawned(id).stream().map(Job::displayName).toList();
  }

  private void tick() {
    await(scheduler.tick());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ObjectNode truckTemplate() {
    try {
      return (ObjectNode) new ObjectMapper().readTree("""
          {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "Sched truck",
           "capabilityModel": {"@id": "dtmi:contoso:SchedTruckModel;1", "@type": "Interface", "contents": [
             {"@type": "Command", "name": "reboot"},
             {"@type": "Property", "name": "target", "schema": "double", "writable": true}]}}
          """);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
