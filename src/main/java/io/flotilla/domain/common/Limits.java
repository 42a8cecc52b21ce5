package io.flotilla.domain.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The size and range limits of what clients write, checked before anything reaches the database (every limit is at
 * most the size of the column that stores the value; see {@code db/migration}). A value over a limit is a 400 naming
 * the field.
 */
public final class Limits {
  /** Display names of templates, groups, jobs, scheduled jobs and enrollment groups. */
  public static final int DISPLAY_NAME = 1000;
  /** Descriptions of groups, jobs and scheduled jobs; group filters. */
  public static final int DESCRIPTION = 4000;
  public static final int FILTER = 4000;
  /** JSON documents (a template, a job's data, each twin document), in characters as stored. */
  public static final int DOCUMENT = 1_000_000;
  /** An organization id: {@code ^(?!-)[a-z0-9-]{1,48}[a-z0-9]$}, at most 48 characters. */
  public static final int ORGANIZATION = 48;
  private static final Pattern ORGANIZATION_ID = Pattern.compile("^(?!-)[a-z0-9-]{0,47}[a-z0-9]$");
  /** Date-times and dates are RFC 3339: years 1 to 9999. */
  private static final Instant EARLIEST = LocalDate.of(1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
  private static final Instant LATEST = LocalDate.of(10_000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

  private Limits() {
  }

  /** {@code value} (may be null) if it has at most {@code max} characters; else {@code Invalid} naming {@code field}. */
  public static String text(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw new FlotillaException.Invalid("\"" + field + "\" must be at most " + max + " characters (it has "
          + value.length() + ").");
    }
    return value;
  }

  /** {@code json}'s text (as stored) if it has at most {@code max} characters; else {@code Invalid}. */
  public static String document(String what, JsonNode json, int max) {
    String text = json.toString();
    if (text.length() > max) {
      throw new FlotillaException.Invalid(what + " must be at most " + max + " characters of JSON (it has "
          + text.length() + ").");
    }
    return text;
  }

  /** Organization ids (null: none); each must match the documented pattern. */
  public static List<String> organizations(String field, List<String> organizations) {
    if (organizations == null) {
      return null;
    }
    for (String o : organizations) {
      organization(field, o);
    }
    return organizations;
  }

  /** One organization id (null: none). */
  public static String organization(String field, String organization) {
    if (organization != null && !ORGANIZATION_ID.matcher(organization).matches()) {
      throw new FlotillaException.Invalid("\"" + field + "\" must hold organization ids: lower-case letters, digits "
          + "and '-' (not first), 1 to " + ORGANIZATION + " characters, not \"" + abbreviate(organization) + "\".");
    }
    return organization;
  }

  /** An instant in the years 1 to 9999 (RFC 3339); else {@code Invalid} naming {@code field}. */
  public static Instant instant(String field, Instant value) {
    if (value != null && (value.isBefore(EARLIEST) || !value.isBefore(LATEST))) {
      throw new FlotillaException.Invalid("\"" + field + "\" must be a date-time in the years 1 to 9999, not "
          + value + ".");
    }
    return value;
  }

  /** A date in the years 1 to 9999; else {@code Invalid} naming {@code field}. */
  public static LocalDate date(String field, LocalDate value) {
    if (value != null && (value.getYear() < 1 || value.getYear() > 9999)) {
      throw new FlotillaException.Invalid("\"" + field + "\" must be a date in the years 1 to 9999, not " + value
          + ".");
    }
    return value;
  }

  /** {@code text} cut so that it and {@code suffix} together have at most {@code max} characters, plus the suffix. */
  public static String fit(String text, String suffix, int max) {
    int room = max - suffix.length();
    String head = text.length() > room ? text.substring(0, Character.isHighSurrogate(text.charAt(room - 1))
        ? room - 1 : room) : text;
    return head + suffix;
  }

  static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
