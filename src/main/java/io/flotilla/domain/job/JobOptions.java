package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Flotilla's job extensions (docs/jobs.md), all optional: how devices are reached ({@code delivery}), how fast the job
 * rolls out and when it stops itself ({@code rollout}), and whether it keeps reaching devices that join its group
 * ({@code continuous}, until {@code end}). The JSON shape is part of the API contract: {@link #fromJson} validates it
 * (every failure an {@code Invalid} naming the field) and {@link #toJson} writes it back the same way.
 */
public record JobOptions(Delivery delivery, Rollout rollout, boolean continuous, Instant until) {
  public static final JobOptions NONE = new JobOptions(null, null, false, null);
  public static final Duration MAX_WAIT = Duration.ofDays(30);
  /** Failure codes a retry may list. */
  public static final Set<String> RETRYABLE = Set.of("DeviceNotOnline", "GatewayTimeout", "CommandFailed",
      "Interrupted");

  /** {@code waitForConnection}, {@code retry} and {@code confirm}. */
  public record Delivery(Duration waitForConnection, Retry retry, boolean confirm) {
  }

  /** Up to {@code maxAttempts} attempts in all; attempt n+1 comes {@code backoff × factor^(n-1)} (capped) after n. */
  public record Retry(int maxAttempts, Duration backoff, double factor, Duration maxBackoff, Set<String> on) {
    /** When attempt {@code attempt + 1} is due after attempt {@code attempt} failed at {@code at}. */
    public Instant next(int attempt, Instant at) {
      double millis = backoff.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
      long capped = maxBackoff == null ? (long) Math.min(millis, MAX_WAIT.toMillis())
          : (long) Math.min(millis, maxBackoff.toMillis());
      return at.plusMillis(capped);
    }

    /** Whether a failure with {@code code} after attempt {@code attempt} is tried again. */
    public boolean retries(String code, int attempt) {
      return attempt < maxAttempts && on.contains(code);
    }
  }

  /** {@code maxPerMinute}, {@code ramp}, {@code successGate}. */
  public record Rollout(Integer maxPerMinute, Ramp ramp, SuccessGate successGate) {
  }

  /** Start at {@code startPerMinute}; × {@code factor} each time another {@code afterSucceeded} devices completed. */
  public record Ramp(int startPerMinute, double factor, int afterSucceeded) {
  }

  /** These options without {@code continuous} and {@code end} (what a rerun over a job's failed devices keeps). */
  public JobOptions withoutContinuous() {
    return new JobOptions(delivery, rollout, false, null);
  }

  public boolean isNone() {
    return delivery == null && rollout == null && !continuous && until == null;
  }

  public Retry retry() {
    return delivery == null ? null : delivery.retry();
  }

  public Duration waitForConnection() {
    return delivery == null ? null : delivery.waitForConnection();
  }

  public boolean confirm() {
    return delivery != null && delivery.confirm();
  }

  public SuccessGate successGate() {
    return rollout == null ? null : rollout.successGate();
  }

  /** Reads the extension fields of a job body ({@code delivery}, {@code rollout}, {@code continuous}, {@code end}). */
  public static JobOptions fromJson(ObjectNode body) {
    Delivery delivery = delivery(object(body, "delivery", "delivery"));
    Rollout rollout = rollout(object(body, "rollout", "rollout"));
    JsonNode c = body.get("continuous");
    if (c != null && !c.isNull() && !c.isBoolean()) {
      throw invalid("continuous", "must be true or false");
    }
    boolean continuous = c != null && c.asBoolean();
    Instant until = null;
    JsonNode e = body.get("end");
    if (e != null && !e.isNull()) {
      if (!e.isTextual()) {
        throw invalid("end", "must be an ISO-8601 date-time");
      }
      try {
        until = Instant.parse(e.asText());
      } catch (DateTimeParseException ex) {
        throw invalid("end", "must be an ISO-8601 date-time such as 2030-01-01T00:00:00Z");
      }
    }
    return new JobOptions(delivery, rollout, continuous, until);
  }

  private static Delivery delivery(ObjectNode o) {
    if (o == null) {
      return null;
    }
    known(o, "delivery", "waitForConnection", "retry", "confirm");
    Duration wait = duration(o, "waitForConnection", "delivery.waitForConnection", MAX_WAIT);
    Retry retry = retry(object(o, "retry", "delivery.retry"));
    JsonNode confirm = o.get("confirm");
    if (confirm != null && !confirm.isNull() && !confirm.isBoolean()) {
      throw invalid("delivery.confirm", "must be true or false");
    }
    return new Delivery(wait, retry, confirm != null && confirm.asBoolean());
  }

  private static Retry retry(ObjectNode o) {
    if (o == null) {
      return null;
    }
    known(o, "delivery.retry", "maxAttempts", "backoff", "factor", "maxBackoff", "on");
    int max = integer(o, "maxAttempts", "delivery.retry.maxAttempts", 1, 100, null);
    Duration backoff = duration(o, "backoff", "delivery.retry.backoff", Duration.ofDays(1));
    double factor = decimal(o, "factor", "delivery.retry.factor", 1.0, 10.0, 1.0);
    Duration maxBackoff = duration(o, "maxBackoff", "delivery.retry.maxBackoff", MAX_WAIT);
    JsonNode on = o.get("on");
    Set<String> codes = new LinkedHashSet<>();
    if (on == null || on.isNull()) {
      codes.addAll(Set.of("DeviceNotOnline", "GatewayTimeout", "CommandFailed"));
    } else if (!on.isArray() || on.isEmpty()) {
      throw invalid("delivery.retry.on", "must be a non-empty array of failure codes");
    } else {
      for (JsonNode n : on) {
        if (!n.isTextual() || !RETRYABLE.contains(n.asText())) {
          throw invalid("delivery.retry.on", "may list only " + String.join(", ", sorted(RETRYABLE)));
        }
        codes.add(n.asText());
      }
    }
    return new Retry(max, backoff == null ? Duration.ofSeconds(10) : backoff, factor, maxBackoff, Set.copyOf(codes));
  }

  private static Rollout rollout(ObjectNode o) {
    if (o == null) {
      return null;
    }
    known(o, "rollout", "maxPerMinute", "ramp", "successGate");
    Integer max = o.has("maxPerMinute") && !o.get("maxPerMinute").isNull()
        ? integer(o, "maxPerMinute", "rollout.maxPerMinute", 1, 10_000_000, null) : null;
    Ramp ramp = null;
    ObjectNode r = object(o, "ramp", "rollout.ramp");
    if (r != null) {
      known(r, "rollout.ramp", "startPerMinute", "factor", "afterSucceeded");
      ramp = new Ramp(integer(r, "startPerMinute", "rollout.ramp.startPerMinute", 1, 10_000_000, null),
          decimal(r, "factor", "rollout.ramp.factor", 1.0, 100.0, 2.0),
          integer(r, "afterSucceeded", "rollout.ramp.afterSucceeded", 1, 10_000_000, null));
      if (max != null && ramp.startPerMinute() > max) {
        throw invalid("rollout.ramp.startPerMinute", "must not exceed rollout.maxPerMinute");
      }
    }
    SuccessGate gate = null;
    ObjectNode g = object(o, "successGate", "rollout.successGate");
    if (g != null) {
      known(g, "rollout.successGate", "minSuccessPercent", "action");
      double min = decimal(g, "minSuccessPercent", "rollout.successGate.minSuccessPercent", 0, 100, null);
      JsonNode a = g.get("action");
      String action = a == null || a.isNull() ? "pause" : a.asText();
      if (a != null && !a.isNull() && !a.isTextual() || !("pause".equals(action) || "cancel".equals(action))) {
        throw invalid("rollout.successGate.action", "must be \"pause\" or \"cancel\"");
      }
      gate = new SuccessGate(min, "cancel".equals(action));
    }
    return new Rollout(max, ramp, gate);
  }

  /** The extension fields as the API shows them (nothing when none is set). */
  public void toJson(ObjectNode o) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (delivery != null) {
      ObjectNode d = o.putObject("delivery");
      if (delivery.waitForConnection() != null) {
        d.put("waitForConnection", delivery.waitForConnection().toString());
      }
      Retry r = delivery.retry();
      if (r != null) {
        ObjectNode ro = d.putObject("retry").put("maxAttempts", r.maxAttempts()).put("backoff", r.backoff().toString())
            .put("factor", r.factor());
        if (r.maxBackoff() != null) {
          ro.put("maxBackoff", r.maxBackoff().toString());
        }
        ArrayNode on = ro.putArray("on");
        for (String code : RETRYABLE_ORDER) {
          if (r.on().contains(code)) {
            on.add(f.textNode(code));
          }
        }
      }
      d.put("confirm", delivery.confirm());
    }
    if (rollout != null) {
      ObjectNode ro = o.putObject("rollout");
      if (rollout.maxPerMinute() != null) {
        ro.put("maxPerMinute", rollout.maxPerMinute());
      }
      if (rollout.ramp() != null) {
        ro.putObject("ramp").put("startPerMinute", rollout.ramp().startPerMinute())
            .put("factor", rollout.ramp().factor()).put("afterSucceeded", rollout.ramp().afterSucceeded());
      }
      if (rollout.successGate() != null) {
        ro.putObject("successGate").put("minSuccessPercent", rollout.successGate().minSuccessPercent())
            .put("action", rollout.successGate().cancels() ? "cancel" : "pause");
      }
    }
    if (continuous) {
      o.put("continuous", true);
    }
  }

  private static final java.util.List<String> RETRYABLE_ORDER = java.util.List.of("DeviceNotOnline",
      "GatewayTimeout", "CommandFailed", "Interrupted");

  private static java.util.List<String> sorted(Set<String> s) {
    return RETRYABLE_ORDER.stream().filter(s::contains).toList();
  }

  private static ObjectNode object(ObjectNode o, String name, String path) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw invalid(path, "must be an object");
    }
    return (ObjectNode) v;
  }

  private static void known(ObjectNode o, String path, String... names) {
    Set<String> allowed = Set.of(names);
    o.fieldNames().forEachRemaining(n -> {
      if (!allowed.contains(n)) {
        throw invalid(path + "." + n, "is not a known field (known: " + String.join(", ", names) + ")");
      }
    });
  }

  private static Duration duration(ObjectNode o, String name, String path, Duration max) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    Duration d;
    try {
      if (!v.isTextual()) {
        throw new DateTimeParseException("", "", 0);
      }
      d = Duration.parse(v.asText().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw invalid(path, "must be an ISO-8601 duration such as PT30S, PT1H or P1D");
    }
    if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
      throw invalid(path, "must be positive and at most " + max);
    }
    return d;
  }

  private static int integer(ObjectNode o, String name, String path, int min, int max, Integer dflt) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      if (dflt != null) {
        return dflt;
      }
      throw invalid(path, "is required");
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      throw invalid(path, "must be an integer from " + min + " to " + max);
    }
    return v.asInt();
  }

  private static double decimal(ObjectNode o, String name, String path, double min, double max, Double dflt) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      if (dflt != null) {
        return dflt;
      }
      throw invalid(path, "is required");
    }
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max || Double.isNaN(v.asDouble())) {
      throw invalid(path, "must be a number from " + min + " to " + max);
    }
    return v.asDouble();
  }

  private static FlotillaException.Invalid invalid(String path, String what) {
    return new FlotillaException.Invalid("\"" + path + "\" " + what + ".");
  }
}
