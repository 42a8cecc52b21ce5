package io.flotilla.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one scenario measured: ordered metrics, pass/fail checks against the targets, and notes. */
public final class ScenarioResult {
  private final String name;
  private final Map<String, Object> metrics = new LinkedHashMap<>();
  private final Map<String, Boolean> checks = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  public ScenarioResult(String name) {
    this.name = name;
  }

  /** Events per second over {@code nanos}; 0 when nothing was timed. */
  public static double perSecond(long count, long nanos) {
    return nanos <= 0 ? 0 : round(count * 1e9 / nanos, 1);
  }

  /** {@code ours / baseline}, rounded to 3 decimals; {@code NaN} without a baseline. */
  public static double ratio(double ours, double baseline) {
    return baseline <= 0 ? Double.NaN : round(ours / baseline, 3);
  }

  public static double millis(long nanos) {
    return round(nanos / 1e6, 1);
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  public ScenarioResult put(String key, Object value) {
    metrics.put(key, value instanceof LatencySummary l ? l.asMap() : value);
    return this;
  }

  public ScenarioResult check(String target, boolean met) {
    checks.put(target, met);
    return this;
  }

  public ScenarioResult note(String note) {
    notes.add(note);
    return this;
  }

  public String name() {
    return name;
  }

  public Map<String, Object> metrics() {
    return metrics;
  }

  public Map<String, Boolean> checks() {
    return checks;
  }

  public List<String> notes() {
    return notes;
  }

  public double number(String key) {
    return metrics.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", name);
    m.put("metrics", metrics);
    m.put("checks", checks);
    m.put("notes", notes);
    return m;
  }
}
