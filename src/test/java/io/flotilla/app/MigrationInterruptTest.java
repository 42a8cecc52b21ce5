package io.flotilla.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.testing.ScratchDirectories;
import io.flotilla.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migrations are safe to interrupt (issue 16): an H2 database from before V7 holding {@code flotilla.migration.devices}
 * devices (default 20,000; the documented manual run uses 100,000) and a property job's row for each is upgraded by a
 * server process that is killed with SIGKILL at points spread over its migrations (V7's and V8's rewrites of
 * {@code job_devices} among them), each time on a fresh copy. The next start must finish the migrations, with every
 * row kept and Flyway's history complete; a kill in the middle of a migration leaves the marker that makes the next
 * start restore the copy taken before it ({@code MigrationGuard}). Figures go to {@code target/outage/migrations.txt}.
 */
class MigrationInterruptTest {
  private static final int DEVICES = Integer.getInteger("flotilla.migration.devices", 20_000);
  private static final int KILLS = Integer.getInteger("flotilla.migration.kills", 3);

  @Test
  void aServerKilledDuringItsMigrationsFinishesThemOnTheNextStart() throws Exception {
    Path master = ScratchDirectories.create("flotilla-v6");
    populateAtV6(master.resolve("flotilla"));

    // When, in an uninterrupted start, the migrations run (from its log), to spread the kills over them
    Path full = copyOf(master);
    java.time.LocalTime launched = java.time.LocalTime.now();
    ServerProcess clean = ServerProcess.listening(ServerProcess.launch(full), full, Duration.ofSeconds(180));
    stop(clean.process());
    check(full);
    long from = millisAfter(launched, full, "Migrating ");
    long to = millisAfter(launched, full, "Database ready");
    long startMillis = to;

    TreeMap<Long, String> outcomes = new TreeMap<>();
    int midMigration = 0;
    for (int k = 1; k <= KILLS; k++) {
      long delay = from + (to - from) * k / (KILLS + 1);
      Path dir = copyOf(master);
      Process p = ServerProcess.launch(dir);
      p.waitFor(delay, TimeUnit.MILLISECONDS); // the fault: SIGKILL at this point of the start
      p.destroyForcibly().waitFor();
      boolean marker = Files.exists(dir.resolve("flotilla.mv.db.migrating"));
      midMigration += marker ? 1 : 0;
      String applied = appliedBeforeRestart(dir, marker);
      ServerProcess again = ServerProcess.listening(ServerProcess.launch(dir), dir, Duration.ofSeconds(180));
      stop(again.process());
      check(dir);
      assertThat(dir.resolve("flotilla.mv.db.migrating")).doesNotExist();
      assertThat(dir.resolve("flotilla.mv.db.pre-migration")).doesNotExist();
      outcomes.put(delay, (marker ? "mid-migration (copy restored)" : "outside a migration") + ", " + applied);
    }
    Path dir = Path.of("target", "outage");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("migrations.txt"), String.format(
        "%d devices and job rows at V6; in an uninterrupted start the migrations ran from %d to %d ms after launch; "
            + "SIGKILL after (ms): %s; %d of %d kills landed inside a migration; every restart finished the "
            + "migrations with every row kept%n", DEVICES, from, startMillis, outcomes, midMigration, KILLS));
    assertThat(midMigration).as("kills that landed inside a migration").isPositive();
  }

  /** When the server's log (in {@code dir}) first wrote {@code text}, in ms after {@code launched}. */
  private static long millisAfter(java.time.LocalTime launched, Path dir, String text) throws Exception {
    try (var logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
        for (String line : Files.readAllLines(log)) {
          if (line.contains(text)) {
            return Duration.between(launched, java.time.LocalTime.parse(line.substring(0, 12))).toMillis();
          }
        }
      }
    }
    throw new AssertionError("the server never logged " + text);
  }

  /** What the killed process had recorded as applied (read from the copy when it will be restored). */
  private static String appliedBeforeRestart(Path dir, boolean marker) throws SQLException {
    if (marker) {
      return "history at the kill not read (the file is restored)";
    }
    try (Connection c = DriverManager.getConnection(url(dir.resolve("flotilla")));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(\"installed_rank\") FROM \"flyway_schema_history\" WHERE "
            + "\"success\"")) {
      return rs.next() ? rs.getInt(1) + " migrations recorded" : "none";
    }
  }

  private static void check(Path dir) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(dir.resolve("flotilla")));
        Statement s = c.createStatement()) {
      assertThat(count(s, "SELECT COUNT(*) FROM devices WHERE id LIKE 'mig-%'")).isEqualTo(DEVICES);
      assertThat(count(s, "SELECT COUNT(*) FROM job_devices")).isEqualTo(DEVICES);
      assertThat(count(s, "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE NOT \"success\"")).isZero();
      int latest = Flyway.configure().locations("classpath:db/migration").dataSource(url(dir.resolve("flotilla")),
          null, null).load().info().pending().length;
      assertThat(latest).as("migrations pending after the restart").isZero();
    }
  }

  private static void populateAtV6(Path db) throws SQLException {
    String url = url(db);
    Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("6").load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("INSERT INTO devices (id, display_name, template_id, enabled, simulated, provisioned, etag, "
          + "attestation, created_at) SELECT 'mig-' || X, 'Device ' || X, 'dtmi:t;1', TRUE, FALSE, FALSE, '\"e\"', "
          + "'{\"type\":\"symmetricKey\"}', CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, " + DEVICES + ")");
      s.execute("INSERT INTO jobs (id, group_id, kind, items, status, created_at, total, completed, failed, "
          + "batch_size, desired_version) VALUES ('old-job', 'g', 'PROPERTY', '[{\"type\":\"PropertyJobData\","
          + "\"target\":\"dtmi:t;1\",\"path\":\"TargetTemperature\",\"value\":7.5}]', 'complete', CURRENT_TIMESTAMP, "
          + DEVICES + ", " + DEVICES + ", 0, 0, 1500)");
      s.execute("INSERT INTO job_devices (job_id, seq, device_id, status, desired_version, updated_at) SELECT "
          + "'old-job', X, 'mig-' || X, 2, 1500, CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, " + DEVICES + ")");
    }
  }

  private static Path copyOf(Path master) throws Exception {
    Path dir = ScratchDirectories.create("flotilla-migrate");
    Files.copy(master.resolve("flotilla.mv.db"), dir.resolve("flotilla.mv.db"));
    return dir;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM: a clean stop
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String url(Path db) {
    return "jdbc:h2:file:" + db.toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
  }
}
