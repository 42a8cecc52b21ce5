package io.flotilla.domain.history.query;

import java.time.Instant;

/** The time range of {@code WITHIN_WINDOW}: a duration back from now, or an explicit interval. */
public sealed interface TimeWindow {

  /** The start of the range, given the query's time. */
  Instant from(Instant now);

  /** The end of the range (exclusive), given the query's time. */
  Instant to(Instant now);

  /** {@code WITHIN_WINDOW(P1D)}: the last day. */
  record Last(IsoDuration length) implements TimeWindow {
    @Override
    public Instant from(Instant now) {
      return now.minus(length.duration());
    }

    @Override
    public Instant to(Instant now) {
      return now.plusNanos(1000);
    }
  }

  /** {@code WITHIN_WINDOW('2021-06-13T13:00:00Z/2021-06-13T15:30:00Z')}. */
  record Between(Instant start, Instant end) implements TimeWindow {
    @Override
    public Instant from(Instant now) {
      return start;
    }

    @Override
    public Instant to(Instant now) {
      return end;
    }
  }
}
