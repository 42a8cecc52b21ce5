package io.flotilla.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.job.DeviceResult;
import io.flotilla.testing.PostgresDatabase;
import io.flotilla.testing.ScratchDirectories;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V7 re-keys {@code job_devices} by one BIGINT and moves property-job desired state to {@code desired_overlays}, V8
 * keys that by (version, device) and drops the job rows' copies of job id and position: a
 * database holding jobs from before keeps every row, position and result, and new jobs take numbers after them.
 */
class JobDeviceKeysMigrationTest {

  @Test
  void upgradesJobRowsOnH2() throws Exception {
    upgrade("jdbc:h2:file:" + ScratchDirectories.create("v7").resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE", null, null);
  }

  @Test
  void upgradesJobRowsOnPostgres() throws Exception {
    upgrade(PostgresDatabase.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password());
  }

  private void upgrade(String url, String user, String password) throws Exception {
    Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target("6").load().migrate();
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      for (String id : List.of("old-b", "old-a")) {
        s.execute("INSERT INTO jobs (id, group_id, kind, items, status, created_at, total, completed, failed, batch_size, "
            + "desired_version) VALUES ('" + id + "', 'g', 'PROPERTY', '[{\"type\":\"PropertyJobData\",\"target\":"
            + "\"dtmi:t;1\",\"path\":\"TargetTemperature\",\"value\":7.5}]', 'complete', CURRENT_TIMESTAMP, 2, 1, 1, 0, "
            + "1500)");
      }
      s.execute("INSERT INTO job_devices (job_id, seq, device_id, status, desired_version, updated_at) VALUES "
          + "('old-a', 1, 'dev-1', 2, 1500, CURRENT_TIMESTAMP), ('old-a', 2, 'dev-2', 3, NULL, CURRENT_TIMESTAMP), "
          + "('old-b', 1, 'dev-1', 0, NULL, NULL)");
      s.execute("UPDATE job_devices SET error_code = 'TemplateMismatch' WHERE device_id = 'dev-2'");
    }
    Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target("7").load()
        .migrate();

    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      assertThat(rows(s, "SELECT id, job_no FROM jobs ORDER BY id")).containsExactly("old-a -1", "old-b -2");
      assertThat(rows(s, "SELECT k, job_id, seq, device_id, status, error_code FROM job_devices ORDER BY k"))
          .containsExactly((-2L << 32) + 1 + " old-b 1 dev-1 0 null",
              (-1L << 32) + 1 + " old-a 1 dev-1 2 null", (-1L << 32) + 2 + " old-a 2 dev-2 3 TemplateMismatch");
      assertThat(rows(s, "SELECT device_id, desired_version, job_id FROM desired_overlays"))
          .containsExactly("dev-1 1500 old-a");
    }

    // V8: desired-state rows keyed (version, device) with one row per version; job rows lose their copies of the
    // job id and position (both are in the key)
    Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      assertThat(rows(s, "SELECT desired_version, job_id FROM overlay_versions")).containsExactly("1500 old-a");
      assertThat(rows(s, "SELECT desired_version, device_id FROM desired_overlays")).containsExactly("1500 dev-1");
      assertThat(rows(s, "SELECT k, device_id, status, error_code, desired_version FROM job_devices ORDER BY k"))
          .containsExactly((-2L << 32) + 1 + " dev-1 0 null null", (-1L << 32) + 1 + " dev-1 2 null 1500",
              (-1L << 32) + 2 + " dev-2 3 TemplateMismatch null");
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT * FROM job_devices")) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          columns.add(rs.getMetaData().getColumnName(i).toLowerCase(java.util.Locale.ROOT));
        }
      }
      assertThat(columns).contains("k", "device_id", "status").doesNotContain("job_id", "seq");
    }

    Vertx vertx = Vertx.vertx();
    try (Database db = Database.open(vertx, url, user, password, null)) {
      SqlJobRepository jobs = new SqlJobRepository(db);
      List<DeviceResult> page = await(jobs.devices("old-a", PageRequest.first(10))).items().stream()
          .map(io.flotilla.domain.job.JobDevice::result).toList();
      assertThat(page).extracting(r -> r.seq() + " " + r.deviceId() + " " + r.errorCode())
          .containsExactly("1 dev-1 null", "2 dev-2 TemplateMismatch");
      assertThat(await(jobs.devices("old-b", PageRequest.first(10))).items()).extracting(d -> d.result().deviceId())
          .containsExactly("dev-1");
    } finally {
      vertx.close();
    }
  }

  private static List<String> rows(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> cols = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          cols.add(String.valueOf(rs.getObject(i)));
        }
        out.add(String.join(" ", cols));
      }
    }
    return out;
  }

  private static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }
}
