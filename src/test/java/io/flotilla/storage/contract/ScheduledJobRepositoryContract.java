package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.job.CancellationThreshold;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobBatch;
import io.flotilla.domain.job.JobDefinition;
import io.flotilla.domain.job.JobItem;
import io.flotilla.domain.job.JobType;
import io.flotilla.domain.job.JobProgress;
import io.flotilla.domain.job.JobSchedule;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.domain.job.ScheduledJob;
import io.flotilla.storage.sql.SqlJobRepository;
import io.flotilla.storage.sql.SqlScheduledJobRepository;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.job.ScheduledJobRepository} promises, on every database. */
abstract class ScheduledJobRepositoryContract extends RepositoryContract {
  static final Instant T0 = Instant.parse("2030-03-01T08:00:00.250001Z");

  SqlScheduledJobRepository scheduled;
  SqlJobRepository jobs;

  @BeforeEach
  void repositories() {
    scheduled = new SqlScheduledJobRepository(db);
    jobs = new SqlJobRepository(db);
  }

  static JobDefinition definition(String name) {
    return new JobDefinition(name, null, "group-1", List.of(new JobItem("command", "dtmi:x;1", "reboot", null, null)),
        null, null, List.of(), JobOptions.NONE);
  }

  static ScheduledJob simple(String id, Instant next, boolean enabled, boolean completed) {
    return new ScheduledJob(id, definition(id), JobSchedule.once(T0), enabled, completed, next, 0, "series-" + id,
        "\"e-" + id + "\"");
  }

  @Test
  void insertThenFindRoundTripsEveryField() {
    JobDefinition d = new JobDefinition(UNICODE, UNICODE, "group-ü", List.of(
        new JobItem("PropertyJobData", "dtmi:contoso:Truck;1", "comp.label", value(UNICODE), null),
        new JobItem("command", "dtmi:contoso:Truck;1", "reboot", json("{\"a\":[1,2.5]}"), null)),
        new JobBatch(JobBatch.Measure.PERCENTAGE, 33.5), new CancellationThreshold(JobBatch.Measure.NUMBER, 2, true),
        List.of("org-a", "org-b"), JobOptions.NONE);
    ScheduledJob full = new ScheduledJob("s-1", d, new JobSchedule(T0, JobSchedule.Recurrence.MONTHLY,
        LocalDate.parse("2031-12-31"), null), true, false, T0, 4, "series-1", "\"e1\"");
    ScheduledJob counted = new ScheduledJob("s-2", definition(null), new JobSchedule(T0, JobSchedule.Recurrence.WEEKLY,
        null, 7), false, true, null, 0, "series-2", "\"e2\"");
    ScheduledJob perJob = new ScheduledJob("s-3", new JobDefinition("x", null, "g", List.of(), null,
        new CancellationThreshold(JobBatch.Measure.PERCENTAGE, 10, false), List.of(), JobOptions.NONE), JobSchedule.once(T0), true,
        false, T0, 0, "series-3", "\"e3\"");
    await(scheduled.insert(full));
    await(scheduled.insert(counted));
    await(scheduled.insert(perJob));

    assertThat(await(scheduled.find("s-1"))).contains(full);
    assertThat(await(scheduled.find("s-2"))).contains(counted);
    assertThat(await(scheduled.find("s-3"))).contains(perJob);
    assertThat(await(scheduled.find("absent"))).isEmpty();
  }

  @Test
  void insertOfAnExistingIdFailsWithConflict() {
    ScheduledJob first = simple("dup", T0, true, false);
    await(scheduled.insert(first));
    assertThatThrownBy(() -> await(scheduled.insert(simple("dup", T0.plusSeconds(5), false, false))))
        .isInstanceOf(FlotillaException.Conflict.class);
    assertThat(await(scheduled.find("dup"))).contains(first);
  }

  @Test
  void updateWritesTheChangeButNeverRunsOrSeriesAndNeverCreates() {
    ScheduledJob stored = new ScheduledJob("s", definition("old"), JobSchedule.once(T0), true, false, T0, 3, "series-s",
        "\"e1\"");
    await(scheduled.insert(stored));
    ScheduledJob change = new ScheduledJob("s", definition("new"), new JobSchedule(T0.plusSeconds(60),
        JobSchedule.Recurrence.DAILY, null, null), false, true, null, 99, "other-series", "\"e2\"");

    ScheduledJob[] seen = {null};
    assertThat(await(scheduled.update("s", (current, activeRuns) -> {
      seen[0] = current;
      return change;
    }))).contains(change);
    assertThat(seen[0]).isEqualTo(stored);
    assertThat(await(scheduled.find("s"))).contains(new ScheduledJob("s", definition("new"), change.schedule(), false,
        true, null, 3, "series-s", "\"e2\""));

    assertThatThrownBy(() -> await(scheduled.update("s", (current, activeRuns) -> {
      throw new FlotillaException.PreconditionFailed("stale");
    }))).isInstanceOf(FlotillaException.PreconditionFailed.class);
    assertThat(await(scheduled.find("s")).orElseThrow().etag()).isEqualTo("\"e2\"");
    assertThat(await(scheduled.update("absent", (current, activeRuns) -> simple("absent", T0, true, false))))
        .isEmpty();
    assertThat(await(scheduled.find("absent"))).isEmpty();
  }

  @Test
  void updateSeesActiveRunsAndConcurrentUpdatesAreSerialised() {
    await(scheduled.insert(simple("s", T0, true, false)));
    boolean[] active = {true};
    await(scheduled.update("s", (current, activeRuns) -> {
      active[0] = activeRuns.getAsBoolean();
      return current;
    }));
    assertThat(active[0]).isFalse();
    await(jobs.insert(job("j-pending", "s", JobStatus.PENDING)));
    await(scheduled.update("s", (current, activeRuns) -> {
      active[0] = activeRuns.getAsBoolean();
      return current;
    }));
    assertThat(active[0]).isTrue();

    List<io.vertx.core.Future<java.util.Optional<ScheduledJob>>> updates = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      updates.add(scheduled.update("s", (current, activeRuns) -> new ScheduledJob("s",
          definition(current.definition().displayName() + "+"), current.schedule(), current.enabled(),
          current.completed(), current.nextRunAt(), current.runs(), current.series(), "\"e\"")));
    }
    updates.forEach(u -> assertThat(await(u)).isPresent());
    assertThat(await(scheduled.find("s")).orElseThrow().definition().displayName())
        .isEqualTo(simple("s", T0, true, false).definition().displayName() + "+".repeat(12));
  }

  @Test
  void listPagesEveryScheduledJobOnceInIdOrderAndDeleteRemoves() {
    List<String> ids = new ArrayList<>();
    for (int i = 8; i >= 0; i--) {
      String id = "s-" + i;
      await(scheduled.insert(simple(id, T0, true, false)));
      ids.add(0, id);
    }
    assertThat(readAllPages(p -> scheduled.list(p), 4, ScheduledJob::id)).extracting(ScheduledJob::id)
        .containsExactlyElementsOf(ids);
    assertThat(await(scheduled.delete("s-4"))).isTrue();
    assertThat(await(scheduled.delete("s-4"))).isFalse();
    assertThat(await(scheduled.find("s-4"))).isEmpty();
  }

  @Test
  void dueAnswersEnabledUncompletedJobsDueAtOrBeforeNowEarliestFirst() {
    await(scheduled.insert(simple("late", T0.plusSeconds(1), true, false)));
    await(scheduled.insert(simple("b-exact", T0, true, false)));
    await(scheduled.insert(simple("a-exact", T0, true, false)));
    await(scheduled.insert(simple("early", T0.minusSeconds(3600), true, false)));
    await(scheduled.insert(simple("micro-late", T0.plusNanos(1000), true, false)));
    await(scheduled.insert(simple("disabled", T0.minusSeconds(10), false, false)));
    await(scheduled.insert(simple("completed", T0.minusSeconds(10), true, true)));
    await(scheduled.insert(simple("no-next", null, true, false)));

    assertThat(await(scheduled.due(T0, 10))).extracting(ScheduledJob::id)
        .containsExactly("early", "a-exact", "b-exact");
    assertThat(await(scheduled.due(T0, 2))).extracting(ScheduledJob::id).containsExactly("early", "a-exact");
    assertThat(await(scheduled.due(T0.minusSeconds(7200), 10))).isEmpty();
    assertThat(await(scheduled.due(T0.plusSeconds(1), 10))).extracting(ScheduledJob::id)
        .containsExactly("early", "a-exact", "b-exact", "micro-late", "late");
  }

  @Test
  void recordRunUpdatesRunsAndTheNextRunOnlyWhileNothingChangedMeanwhile() {
    ScheduledJob before = new ScheduledJob("s", definition("s"), new JobSchedule(T0, JobSchedule.Recurrence.DAILY, null,
        null), true, false, T0, 2, "series", "\"e1\"");
    await(scheduled.insert(before));
    ScheduledJob after = before.afterRun(T0.plusSeconds(5), true);
    assertThat(after.runs()).isEqualTo(3);
    await(scheduled.recordRun(before, after));
    assertThat(await(scheduled.find("s"))).contains(after);

    // recorded again (a duplicate): runs is no longer 2, nothing changes
    await(scheduled.recordRun(before, after.afterRun(T0.plusSeconds(86_400 * 3), true)));
    assertThat(await(scheduled.find("s"))).contains(after);

    // the schedule was replaced meanwhile: runs counts, the new schedule keeps its own next run
    ScheduledJob replaced = new ScheduledJob("s", definition("s"), JobSchedule.once(T0.plusSeconds(99_999)), true,
        false, T0.plusSeconds(99_999), 3, "series", "\"e2\"");
    assertThat(await(scheduled.update("s", (current, activeRuns) -> replaced))).isPresent();
    await(scheduled.recordRun(after, after.afterRun(T0.plusSeconds(86_400 * 2), true)));
    ScheduledJob stored = await(scheduled.find("s")).orElseThrow();
    assertThat(stored.runs()).isEqualTo(4);
    assertThat(stored.nextRunAt()).isEqualTo(T0.plusSeconds(99_999));
    assertThat(stored.completed()).isFalse();
  }

  @Test
  void hasActiveRunsLooksAtPendingAndRunningJobsOfTheScheduledJob() {
    assertThat(await(scheduled.hasActiveRuns("s"))).isFalse();
    await(jobs.insert(job("j-done", "s", JobStatus.COMPLETE)));
    await(jobs.insert(job("j-other", "t", JobStatus.RUNNING)));
    await(jobs.insert(job("j-stopped", "s", JobStatus.STOPPED)));
    assertThat(await(scheduled.hasActiveRuns("s"))).isFalse();
    await(jobs.insert(job("j-pending", "s", JobStatus.PENDING)));
    assertThat(await(scheduled.hasActiveRuns("s"))).isTrue();
    assertThat(await(scheduled.hasActiveRuns("t"))).isTrue();
  }

  static Job job(String id, String scheduledJobId, JobStatus status) {
    return new Job(id, id, null, "g", JobType.COMMAND, List.of(), null, null, status, scheduledJobId, List.of(), T0,
        null, null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null);
  }
}
