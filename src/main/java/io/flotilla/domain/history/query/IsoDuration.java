package io.flotilla.domain.history.query;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ISO 8601 duration as the query language writes it ({@code PT10M}, {@code P1D}, {@code P2DT12H}, {@code P1W}),
 * with its text. Years and months have no fixed length and are refused.
 */
public record IsoDuration(String text, Duration duration) {
  private static final Pattern WEEKS = Pattern.compile("P(\\d{1,4})W", Pattern.CASE_INSENSITIVE);

  /** The duration of {@code text}, or empty when it is no positive ISO 8601 duration of days, hours, minutes, seconds. */
  static java.util.Optional<IsoDuration> parse(String text) {
    Duration d;
    Matcher weeks = WEEKS.matcher(text);
    try {
      d = weeks.matches() ? Duration.ofDays(7L * Integer.parseInt(weeks.group(1))) : Duration.parse(text);
    } catch (DateTimeParseException | ArithmeticException e) {
      return java.util.Optional.empty();
    }
    if (d.isNegative() || d.isZero()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new IsoDuration(text, d));
  }

  public long micros() {
    return duration.toNanos() / 1000;
  }
}
