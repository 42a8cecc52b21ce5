package io.flotilla.loadgen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's per-device results as {@code GET /api/jobs/{id}/devices?format=csv} gives them
 * ({@code id,status,errorCode,errorMessage,responseCode,updatedAt,attempts}), with the tallies the scenarios judge.
 */
public final class JobDeviceResults {
  /** One device's row; {@code responseCode} -1 and {@code updatedAt} null when empty. */
  public record Row(String id, String status, String errorCode, int responseCode, Instant updatedAt, int attempts) {
  }

  private final Map<String, Row> rows = new LinkedHashMap<>();
  private int duplicateRows;

  private JobDeviceResults() {
  }

  /** Reads the CSV (RFC 4180 quoting; the first line is the header). */
  public static JobDeviceResults parse(String csv) {
    JobDeviceResults r = new JobDeviceResults();
    List<List<String>> records = records(csv);
    for (int i = 1; i < records.size(); i++) {
      List<String> f = records.get(i);
      if (f.size() < 7) {
        continue;
      }
      Row row = new Row(f.get(0), f.get(1), f.get(2).isEmpty() ? null : f.get(2),
          f.get(4).isEmpty() ? -1 : Integer.parseInt(f.get(4)), f.get(5).isEmpty() ? null : Instant.parse(f.get(5)),
          f.get(6).isEmpty() ? 0 : Integer.parseInt(f.get(6)));
      if (r.rows.put(row.id(), row) != null) {
        r.duplicateRows++;
      }
    }
    return r;
  }

  static List<List<String>> records(String csv) {
    List<List<String>> out = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < csv.length(); i++) {
      char c = csv.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
          i++;
        }
        if (any || field.length() > 0) {
          fields.add(field.toString());
          out.add(fields);
        }
        fields = new ArrayList<>();
        field.setLength(0);
        any = false;
      } else {
        field.append(c);
        any = true;
      }
    }
    if (any || field.length() > 0) {
      fields.add(field.toString());
      out.add(fields);
    }
    return out;
  }

  public int size() {
    return rows.size();
  }

  /** Devices listed more than once (none expected). */
  public int duplicateRows() {
    return duplicateRows;
  }

  public Row row(String id) {
    return rows.get(id);
  }

  /** Devices {@code completed} with this response code. */
  public int completedWith(int responseCode) {
    return (int) rows.values().stream().filter(r -> "completed".equals(r.status()) && r.responseCode() == responseCode)
        .count();
  }

  /** Rows per status ({@code pending}, {@code completed}, {@code failed}). */
  public Map<String, Integer> statuses() {
    Map<String, Integer> m = new TreeMap<>();
    rows.values().forEach(r -> m.merge(r.status(), 1, Integer::sum));
    return m;
  }

  /** Failed devices per error code. */
  public Map<String, Integer> failures() {
    Map<String, Integer> m = new TreeMap<>();
    rows.values().stream().filter(r -> "failed".equals(r.status()))
        .forEach(r -> m.merge(String.valueOf(r.errorCode()), 1, Integer::sum));
    return m;
  }

  /** How many devices had how many attempts (key: the number of attempts, in increasing order). */
  public Map<String, Integer> attempts() {
    Map<Integer, Integer> m = new TreeMap<>();
    rows.values().forEach(r -> m.merge(r.attempts(), 1, Integer::sum));
    Map<String, Integer> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(Integer.toString(k), v));
    return out;
  }

  /** The latest {@code updatedAt} (the server's time of the last recorded result); null when none. */
  public Instant lastUpdated() {
    return rows.values().stream().map(Row::updatedAt).filter(java.util.Objects::nonNull).max(Instant::compareTo)
        .orElse(null);
  }
}
