package io.flotilla.domain.job;

import io.flotilla.domain.common.FlotillaException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * When a scheduled job runs: once at {@code start} ({@code recurrence} null) or at occurrences
 * {@code start + k × recurrence} (k = 0, 1, ...), optionally ending after {@code occurrences} occurrences (1–999) or on
 * {@code endDate} (inclusive, UTC). Occurrences are computed from {@code start} (never by adding to the previous one),
 * so a monthly schedule starting on the 31st runs on the last day of shorter months and on the 31st again after.
 */
public record JobSchedule(Instant start, Recurrence recurrence, LocalDate endDate, Integer occurrences) {
  public static final int MAX_OCCURRENCES = 999;

  /** How often a schedule repeats. */
  public enum Recurrence {
    DAILY, WEEKLY, MONTHLY;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Recurrence> fromWire(String s) {
      for (Recurrence r : values()) {
        if (r.wire().equals(s)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  /** Fails with {@code Invalid} on a missing start, an out-of-range count, two ends, or an end date before the start. */
  public JobSchedule {
    if (start == null) {
      throw new FlotillaException.Invalid("\"schedule.start\" is required: an RFC 3339 date-time.");
    }
    if (endDate != null && occurrences != null) {
      throw new FlotillaException.Invalid("\"schedule.end\" is either a date or a number of occurrences, not both.");
    }
    if (occurrences != null && (occurrences < 1 || occurrences > MAX_OCCURRENCES)) {
      throw new FlotillaException.Invalid("\"schedule.end.occurrences\" must be between 1 and " + MAX_OCCURRENCES
          + ", not " + occurrences + ".");
    }
    if (endDate != null && endDate.isBefore(dateOf(start))) {
      throw new FlotillaException.Invalid("\"schedule.end.date\" " + endDate + " is before the start date "
          + dateOf(start) + ".");
    }
  }

  public static JobSchedule once(Instant start) {
    return new JobSchedule(start, null, null, null);
  }

  /** The {@code k}-th occurrence (0-based), whether or not the end allows it. */
  public Instant occurrence(long k) {
    if (recurrence == null || k == 0) {
      return start;
    }
    return switch (recurrence) {
      case DAILY -> start.plus(Duration.ofDays(k));
      case WEEKLY -> start.plus(Duration.ofDays(7 * k));
      case MONTHLY -> utc(start).plusMonths(k).toInstant();
    };
  }

  /** The smallest index whose occurrence is strictly after {@code t}. */
  public long indexAfter(Instant t) {
    if (t.isBefore(start)) {
      return 0;
    }
    if (recurrence == null) {
      return 1;
    }
    if (recurrence == Recurrence.MONTHLY) {
      long k = ChronoUnit.MONTHS.between(utc(start), utc(t));
      while (!occurrence(k).isAfter(t)) {
        k++;
      }
      while (k > 0 && occurrence(k - 1).isAfter(t)) {
        k--;
      }
      return k;
    }
    Duration period = Duration.ofDays(recurrence == Recurrence.DAILY ? 1 : 7);
    return Duration.between(start, t).dividedBy(period) + 1;
  }

  /** Whether occurrence {@code k} belongs to the schedule (a one-time schedule has only occurrence 0). */
  public boolean allows(long k) {
    if (k < 0 || (recurrence == null && k > 0) || (occurrences != null && k >= occurrences)) {
      return false;
    }
    return endDate == null || !dateOf(occurrence(k)).isAfter(endDate);
  }

  /**
   * The run after the one due at {@code due}, executed at {@code now}: the first occurrence after both (occurrences
   * missed while the server was down or the schedule disabled are skipped, not run in a burst); empty when the
   * schedule has ended.
   */
  public Optional<Instant> nextAfter(Instant due, Instant now) {
    long k = indexAfter(due.isAfter(now) ? due : now);
    return allows(k) ? Optional.of(occurrence(k)) : Optional.empty();
  }

  private static ZonedDateTime utc(Instant t) {
    return t.atZone(ZoneOffset.UTC);
  }

  private static LocalDate dateOf(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }
}
