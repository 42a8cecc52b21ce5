package io.flotilla.api.fuzz;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Every stored resource, read straight from the server's database: what a rejected request must leave as it was.
 * Cheap enough to read after every case (one connection, a few small tables), and stricter than the API's view
 * (it sees columns no answer shows). Left out is what moves by itself once an accepted request started it: the job
 * engine's per-device tables and a job's progress columns, a schedule's run bookkeeping, jobs the scheduler starts.
 */
final class StoredState implements AutoCloseable {
  /** Resource tables and the columns of each that change without a request. */
  private static final Map<String, Set<String>> TABLES = new TreeMap<>(Map.ofEntries(
      Map.entry("application", Set.of()),
      Map.entry("api_tokens", Set.of()),
      Map.entry("device_templates", Set.of()),
      Map.entry("devices", Set.of("provisioned")),
      Map.entry("device_twins", Set.of()),
      Map.entry("device_property_values", Set.of()),
      Map.entry("device_groups", Set.of()),
      Map.entry("device_commands", Set.of()),
      Map.entry("enrollment_groups", Set.of()),
      Map.entry("organizations", Set.of()),
      Map.entry("organization_tree", Set.of()),
      Map.entry("users", Set.of()),
      Map.entry("jobs", Set.of("status", "status_reason", "started_at", "ended_at", "total", "completed", "failed",
          "batch_size", "desired_version", "failure", "event_seq")),
      Map.entry("scheduled_jobs", Set.of("completed", "next_run_at", "runs"))));

  private final Connection connection;

  StoredState(DataSource dataSource) {
    try {
      this.connection = dataSource.getConnection();
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Each table's rows (sorted text), without the moving columns; of the audit log, which only grows and would make
   * every read longer, its size and newest entry.
   */
  Map<String, List<String>> read() {
    Map<String, List<String>> out = new TreeMap<>();
    try (Statement st = connection.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(seq) FROM audit_log")) {
        rs.next();
        out.put("audit_log", List.of("entries=" + rs.getLong(1) + " newest=" + rs.getLong(2)));
      }
      for (var t : TABLES.entrySet()) {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT * FROM " + t.getKey())) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            if (t.getKey().equals("jobs") && rs.getString("scheduled_job_id") != null) {
              continue; // started by the scheduler
            }
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
              String column = md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
              if (!t.getValue().contains(column)) {
                row.append(column).append('=').append(rs.getString(i)).append(' ');
              }
            }
            rows.add(row.toString());
          }
        }
        Collections.sort(rows);
        out.put(t.getKey(), rows);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** What differs between two reads, table by table (empty when nothing does). */
  static List<String> differences(Map<String, List<String>> before, Map<String, List<String>> after) {
    List<String> out = new ArrayList<>();
    for (String table : after.keySet()) {
      List<String> was = before.getOrDefault(table, List.of());
      List<String> now = after.get(table);
      if (!was.equals(now)) {
        List<String> gone = new ArrayList<>(was);
        gone.removeAll(now);
        List<String> added = new ArrayList<>(now);
        added.removeAll(was);
        out.add(table + ": removed " + abbreviate(gone) + ", added " + abbreviate(added));
      }
    }
    return out;
  }

  private static String abbreviate(List<String> rows) {
    return rows.stream().map(FuzzClient::abbreviate).toList().toString();
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing
    }
  }
}
