package io.flotilla.domain.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.job.JobSchedule.Recurrence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Next-run arithmetic and completion rules of scheduled jobs, with fixed clocks. */
class JobScheduleTest {
  private static final Instant START = Instant.parse("2030-01-31T10:00:00Z");
  private static final JobDefinition JOB = new JobDefinition("Reboot trucks", "nightly", "trucks",
      List.of(new JobItem("command", "dtmi:contoso:Truck;1", "reboot", null, null)), null, null, List.of(), JobOptions.NONE);

  private static ScheduledJob fresh(JobSchedule schedule) {
    return ScheduledJob.fresh("nightly", JOB, schedule, true, 0, "series-1", "\"e1\"");
  }

  /** Runs the due occurrence with the clock at {@code now}. */
  private static ScheduledJob runAt(ScheduledJob sj, Clock clock) {
    assertThat(sj.nextRunAt()).as("a run must be due").isNotNull();
    assertThat(sj.nextRunAt()).isBeforeOrEqualTo(clock.instant());
    return sj.afterRun(clock.instant(), true);
  }

  private static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  @Test
  void aOneTimeScheduleIsDueAtItsStartAndCompletesAfterItsRun() {
    ScheduledJob sj = fresh(JobSchedule.once(START));
    assertThat(sj.nextRunAt()).isEqualTo(START);
    assertThat(sj.completed()).isFalse();

    ScheduledJob after = runAt(sj, at(START.plusMillis(300)));
    assertThat(after.completed()).isTrue();
    assertThat(after.nextRunAt()).isNull();
    assertThat(after.runs()).isEqualTo(1);
  }

  @Test
  void dailyAndWeeklyAddWholeDaysFromTheStart() {
    ScheduledJob daily = runAt(fresh(new JobSchedule(START, Recurrence.DAILY, null, null)), at(START));
    assertThat(daily.nextRunAt()).isEqualTo(Instant.parse("2030-02-01T10:00:00Z"));
    assertThat(daily.completed()).isFalse();
    daily = runAt(daily, at(Instant.parse("2030-02-01T10:00:01Z")));
    assertThat(daily.nextRunAt()).isEqualTo(Instant.parse("2030-02-02T10:00:00Z"));
    assertThat(daily.runs()).isEqualTo(2);

    ScheduledJob weekly = runAt(fresh(new JobSchedule(START, Recurrence.WEEKLY, null, null)), at(START));
    assertThat(weekly.nextRunAt()).isEqualTo(Instant.parse("2030-02-07T10:00:00Z"));
    weekly = runAt(weekly, at(Instant.parse("2030-02-07T10:00:00Z")));
    assertThat(weekly.nextRunAt()).isEqualTo(Instant.parse("2030-02-14T10:00:00Z"));
  }

  @Test
  void monthlyCountsMonthsFromTheStartSoTheDayOfMonthComesBackAfterAShortMonth() {
    ScheduledJob sj = runAt(fresh(new JobSchedule(START, Recurrence.MONTHLY, null, null)), at(START));
    assertThat(sj.nextRunAt()).isEqualTo(Instant.parse("2030-02-28T10:00:00Z"));
    sj = runAt(sj, at(Instant.parse("2030-02-28T10:00:00Z")));
    assertThat(sj.nextRunAt()).as("31 March, not 28 March").isEqualTo(Instant.parse("2030-03-31T10:00:00Z"));
    sj = runAt(sj, at(Instant.parse("2030-03-31T10:05:00Z")));
    assertThat(sj.nextRunAt()).isEqualTo(Instant.parse("2030-04-30T10:00:00Z"));
  }

  @Test
  void indexAfterIsTheFirstOccurrenceStrictlyAfterAnyInstant() {
    Random random = new Random(42);
    for (Recurrence r : Recurrence.values()) {
      JobSchedule s = new JobSchedule(START, r, null, null);
      for (int i = 0; i < 500; i++) {
        Instant t = START.minus(Duration.ofDays(40)).plusSeconds((long) (random.nextDouble() * 3 * 365 * 86400));
        long k = s.indexAfter(t);
        assertThat(s.occurrence(k)).as("%s %s", r, t).isAfter(t);
        if (k > 0) {
          assertThat(s.occurrence(k - 1)).as("%s %s", r, t).isBeforeOrEqualTo(t);
        }
      }
      assertThat(s.indexAfter(s.occurrence(7))).as("exactly at an occurrence: the next one").isEqualTo(8);
    }
  }

  @Test
  void occurrencesEndTheScheduleAfterThatManyRuns() {
    ScheduledJob sj = fresh(new JobSchedule(START, Recurrence.DAILY, null, 3));
    sj = runAt(sj, at(START));
    sj = runAt(sj, at(START.plus(Duration.ofDays(1))));
    assertThat(sj.completed()).isFalse();
    assertThat(sj.nextRunAt()).isEqualTo(START.plus(Duration.ofDays(2)));
    sj = runAt(sj, at(START.plus(Duration.ofDays(2))));
    assertThat(sj.completed()).isTrue();
    assertThat(sj.nextRunAt()).isNull();
    assertThat(sj.runs()).isEqualTo(3);
  }

  @Test
  void anEndDateIsInclusiveAndCompletesWhenTheNextRunWouldFallAfterIt() {
    ScheduledJob sj = fresh(new JobSchedule(START, Recurrence.DAILY, LocalDate.parse("2030-02-02"), null));
    sj = runAt(sj, at(START));
    sj = runAt(sj, at(Instant.parse("2030-02-01T10:00:00Z")));
    assertThat(sj.nextRunAt()).as("the end date itself still runs").isEqualTo(Instant.parse("2030-02-02T10:00:00Z"));
    sj = runAt(sj, at(Instant.parse("2030-02-02T10:00:00Z")));
    assertThat(sj.completed()).isTrue();
    assertThat(sj.runs()).isEqualTo(3);

    ScheduledJob weekly = fresh(new JobSchedule(START, Recurrence.WEEKLY, LocalDate.parse("2030-02-06"), null));
    weekly = runAt(weekly, at(START));
    assertThat(weekly.completed()).as("7 February is after the end").isTrue();
  }

  @Test
  void missedOccurrencesAfterDowntimeRunOnceAndTheNextRunIsTheFirstOccurrenceAfterNow() {
    ScheduledJob sj = fresh(new JobSchedule(START, Recurrence.DAILY, null, null));
    Clock backAfterFiveDays = at(Instant.parse("2030-02-05T12:00:00Z"));
    ScheduledJob after = runAt(sj, backAfterFiveDays);
    assertThat(after.runs()).isEqualTo(1);
    assertThat(after.nextRunAt()).isEqualTo(Instant.parse("2030-02-06T10:00:00Z"));

    // Back exactly on an occurrence: that one counts as run now, the next is a day later.
    ScheduledJob onTheDot = runAt(sj, at(Instant.parse("2030-02-05T10:00:00Z")));
    assertThat(onTheDot.nextRunAt()).isEqualTo(Instant.parse("2030-02-06T10:00:00Z"));

    ScheduledJob monthly = runAt(fresh(new JobSchedule(START, Recurrence.MONTHLY, null, null)),
        at(Instant.parse("2030-06-15T00:00:00Z")));
    assertThat(monthly.nextRunAt()).isEqualTo(Instant.parse("2030-06-30T10:00:00Z"));
  }

  @Test
  void downtimePastTheLastOccurrenceRunsOnceAndCompletes() {
    ScheduledJob sj = fresh(new JobSchedule(START, Recurrence.DAILY, null, 3));
    ScheduledJob after = runAt(sj, at(START.plus(Duration.ofDays(10))));
    assertThat(after.runs()).isEqualTo(1);
    assertThat(after.completed()).isTrue();

    ScheduledJob byDate = runAt(fresh(new JobSchedule(START, Recurrence.WEEKLY, LocalDate.parse("2030-03-01"), null)),
        at(Instant.parse("2030-02-26T00:00:00Z")));
    assertThat(byDate.completed()).as("the next weekly occurrence (28 Feb) is inside the end date").isFalse();
    assertThat(byDate.nextRunAt()).isEqualTo(Instant.parse("2030-02-28T10:00:00Z"));
  }

  @Test
  void aFreshScheduleWhoseStartIsPastIsDueAtOnce() {
    Clock now = at(START.plus(Duration.ofDays(3)));
    ScheduledJob sj = fresh(new JobSchedule(START, Recurrence.WEEKLY, null, null));
    assertThat(sj.nextRunAt()).isBeforeOrEqualTo(now.instant());
    assertThat(runAt(sj, now).nextRunAt()).isEqualTo(START.plus(Duration.ofDays(7)));
  }

  @Test
  void aSkippedRunAdvancesTheScheduleWithoutCountingARun() {
    ScheduledJob sj = fresh(new JobSchedule(START, Recurrence.DAILY, null, null)).afterRun(START, false);
    assertThat(sj.runs()).isZero();
    assertThat(sj.nextRunAt()).isEqualTo(START.plus(Duration.ofDays(1)));
  }

  @Test
  void runIdsAreDeterministicGuidsPerScheduledJobSeriesAndRunNumber() {
    ScheduledJob sj = fresh(JobSchedule.once(START));
    String first = sj.runJobId(1);
    assertThat(UUID.fromString(first).toString()).isEqualTo(first);
    assertThat(fresh(JobSchedule.once(START.plusSeconds(60))).runJobId(1)).as("same job, same run").isEqualTo(first);
    assertThat(sj.runJobId(2)).isNotEqualTo(first);
    assertThat(ScheduledJob.fresh("nightly", JOB, JobSchedule.once(START), true, 0, "series-2", "\"e\"").runJobId(1))
        .as("a scheduled job created again under the same id").isNotEqualTo(first);
    assertThat(ScheduledJob.fresh("other", JOB, JobSchedule.once(START), true, 0, "series-1", "\"e\"").runJobId(1))
        .isNotEqualTo(first);
  }

  @Test
  void runsAreNamedAfterTheDefinitionWithTheirNumber() {
    ScheduledJob sj = fresh(JobSchedule.once(START));
    JobDefinition run = sj.runDefinition(2);
    assertThat(run.displayName()).isEqualTo("Reboot trucks - 2");
    assertThat(run.description()).isEqualTo("nightly");
    assertThat(run.groupId()).isEqualTo("trucks");
    assertThat(run.items()).isEqualTo(JOB.items());
    JobDefinition unnamed = new JobDefinition(null, null, "trucks", JOB.items(), null, null, List.of(), JobOptions.NONE);
    assertThat(ScheduledJob.fresh("nightly", unnamed, JobSchedule.once(START), true, 0, "s", "e").runDefinition(1)
        .displayName()).isEqualTo("nightly - 1");
  }

  @Test
  void badSchedulesAreRejected() {
    assertThatThrownBy(() -> new JobSchedule(null, null, null, null)).isInstanceOf(FlotillaException.Invalid.class)
        .hasMessageContaining("schedule.start");
    assertThatThrownBy(() -> new JobSchedule(START, Recurrence.DAILY, null, 0))
        .isInstanceOf(FlotillaException.Invalid.class).hasMessageContaining("occurrences");
    assertThatThrownBy(() -> new JobSchedule(START, Recurrence.DAILY, null, 1000))
        .isInstanceOf(FlotillaException.Invalid.class).hasMessageContaining("occurrences");
    assertThatThrownBy(() -> new JobSchedule(START, Recurrence.DAILY, LocalDate.parse("2030-01-30"), null))
        .isInstanceOf(FlotillaException.Invalid.class).hasMessageContaining("before the start");
    assertThat(new JobSchedule(START, Recurrence.DAILY, null, 999).occurrences()).isEqualTo(999);
    assertThat(new JobSchedule(START, Recurrence.DAILY, LocalDate.parse("2030-01-31"), null).allows(0)).isTrue();
  }
}
