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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.Test;

/**
 * Migrations are safe to interrupt (issue 16), proved at chosen points rather than by kills timed against the clock:
 * a server process is halted ({@code Runtime.halt}, as {@code kill -9} would) from inside each migration by the
 * test-only hook {@code flotilla.test.haltMigration} ({@code storage.sql.MigrationHalt}), by default after its middle
 * statement ({@code -Dflotilla.migration.points=first-middle-last} adds the first and the last, before Flyway records
 * it; {@code all}: after every statement). After each halt the next start must finish the interrupted migration: it
 * restores the copy the halted one left ({@code MigrationGuard}), or deletes a file the halted first start was
 * creating, and migrates past that point (it is itself halted at the next point, in a later statement or migration,
 * so every start proves the previous one recovered; the last start finishes everything). V1–V6 are interrupted in a first start (no database yet); V7 and
 * later in the upgrade of a V6 database holding {@code flotilla.migration.devices} devices (default 2,000; the
 * documented run uses 100,000) with two jobs' rows for each, all of which must be kept. A marker whose copy is gone
 * makes the start refuse with the documented recovery step. Figures go to {@code target/outage/migrations.txt}.
 */
class MigrationInterruptTest {
  private static final int DEVICES = Integer.getInteger("flotilla.migration.devices", 2_000);
  private static final String POINTS = System.getProperty("flotilla.migration.points", "middle");
  /** storage.sql.MigrationHalt's property and exit status (package-private there). */
  private static final String HALT = "flotilla.test.haltMigration";
  private static final int HALTED = 137;
  private static final Duration START = Duration.ofSeconds(DEVICES > 20_000 ? 900 : 240);
  private static final String MARKER = "flotilla.mv.db.migrating";
  private static final String COPY = "flotilla.mv.db.pre-migration";

  @Test
  void aStartHaltedInsideAnyMigrationIsFinishedByTheNextStart() throws Exception {
    Map<String, Integer> statements = statementsPerMigration();
    List<String> created = new ArrayList<>();
    List<String> upgraded = new ArrayList<>();
    statements.forEach((version, n) -> (Integer.parseInt(version) <= 6 ? created : upgraded)
        .addAll(points(version, n)));
    long began = System.nanoTime();

    // A first start, halted inside each of the migrations that create the database
    Path fresh = ScratchDirectories.create("flotilla-new");
    haltEach(fresh, created, "deleting the half-created file");
    finish(fresh);
    try (Connection c = DriverManager.getConnection(url(fresh.resolve("flotilla")));
        Statement s = c.createStatement()) {
      assertThat(count(s, "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT "
          + "NULL")).isEqualTo(statements.size());
    }

    // The upgrade of a database from before V7, with devices and jobs, halted inside each later migration
    Path master = ScratchDirectories.create("flotilla-v6");
    long populate = System.nanoTime();
    populateAtV6(master.resolve("flotilla"));
    populate = System.nanoTime() - populate;
    Path upgrade = copyOf(master);
    haltEach(upgrade, upgraded, "restoring the copy taken before");

    // The documented recovery step: the marker is there but the copy is gone
    Path lost = copyOf(upgrade);
    Files.copy(upgrade.resolve(MARKER), lost.resolve(MARKER));
    Process refused = ServerProcess.launch(lost);
    assertThat(refused.waitFor(START.toSeconds(), TimeUnit.SECONDS)).as("a start without the copy ends").isTrue();
    assertThat(refused.exitValue()).isNotIn(0, HALTED);
    assertThat(newestLog(lost)).contains("restore the database from a backup", COPY);

    long finish = System.nanoTime();
    finish(upgrade);
    finish = System.nanoTime() - finish;
    check(upgrade);
    Map<String, Long> took = migrationMillis(upgrade);

    Path dir = Path.of("target", "outage");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("migrations.txt"), String.format(
        "%d halts inside migrations (points: %s), each finished by the next start: %d in a first start %s, %d in the upgrade "
            + "of a V6 database of %d devices and %d job rows %s; the start without the copy refused with the "
            + "recovery step%nV6 database populated in %d ms; the last (uninterrupted) start from V6 took %d ms; "
            + "each migration in it (ms, Flyway's execution_time): %s%nstatements per migration: %s%nwhole test "
            + "%d s%n", created.size() + upgraded.size(), POINTS, created.size(), created, upgraded.size(),
        DEVICES, 2 * DEVICES, upgraded, populate / 1_000_000, finish / 1_000_000, took, statements,
        (System.nanoTime() - began) / 1_000_000_000));
  }

  /**
   * Where to halt in migration {@code version} of {@code n} statements ("V:k" after statement k, "V:end" after the
   * last one, before it is recorded): by default after its middle statement (the last one of a one-statement
   * migration; V7's and V8's rewrites of the job rows also after their last); {@code first-middle-last} and {@code
   * all} ({@code flotilla.migration.points}) for more.
   */
  private static List<String> points(String version, int n) {
    List<String> points = new ArrayList<>();
    for (int k = 1; k < n; k++) {
      if (POINTS.equals("all") || k == (n + 1) / 2 || (k == 1 && POINTS.equals("first-middle-last"))) {
        points.add(version + ":" + k);
      }
    }
    if (n == 1 || !POINTS.equals("middle") || version.equals("7") || version.equals("8")) {
      points.add(version + ":end");
    }
    return points;
  }

  /**
   * Starts a server on {@code dir} halted at each point in turn: it must have stopped there (exit 137, its log naming
   * the point), leaving the marker; every start after the first must have recovered from the previous halt first.
   */
  private static void haltEach(Path dir, List<String> points, String recovery) throws Exception {
    boolean first = true;
    for (String point : points) {
      Process p = ServerProcess.launch(dir, "-D" + HALT + "=" + point, "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC"); // a start that ends in its migrations: spare the machine the optimising compiler
      if (!p.waitFor(START.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("the start halted at " + point + " never ended: " + newestLog(dir));
      }
      String log = newestLog(dir);
      assertThat(p.exitValue()).as("the start halted at %s; its log: %s", point, log).isEqualTo(HALTED);
      String[] at = point.split(":");
      assertThat(log).contains("HALT (test only").contains("migration V" + at[0] + " "
          + (at[1].equals("end") ? "after its last statement" : "after statement " + at[1] + "\n"));
      if (!first) {
        assertThat(log).as("the start after a halt recovered first").contains(recovery);
      }
      assertThat(dir.resolve(MARKER)).as("the halted start left its marker").exists();
      first = false;
    }
  }

  /** Starts the server without a halt: it must finish every migration and listen; then stops it. */
  private static void finish(Path dir) throws Exception {
    ServerProcess server = ServerProcess.listening(ServerProcess.launch(dir), dir, START);
    server.process().destroy(); // SIGTERM: a clean stop
    if (!server.process().waitFor(60, TimeUnit.SECONDS)) {
      server.process().destroyForcibly().waitFor();
    }
    assertThat(dir.resolve(MARKER)).doesNotExist();
    assertThat(dir.resolve(COPY)).doesNotExist();
    try (Connection c = DriverManager.getConnection(url(dir.resolve("flotilla")));
        Statement s = c.createStatement()) {
      assertThat(count(s, "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE NOT \"success\"")).isZero();
    }
    int pending = Flyway.configure().locations("classpath:db/migration").dataSource(url(dir.resolve("flotilla")),
        null, null).load().info().pending().length;
    assertThat(pending).as("migrations pending after the start").isZero();
  }

  /** How many statements each migration runs, in order (migrating a scratch database in this JVM). */
  private static Map<String, Integer> statementsPerMigration() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    Callback counter = new Callback() {
      @Override
      public boolean supports(Event event, Context context) {
        return event == Event.AFTER_EACH_MIGRATE_STATEMENT || event == Event.BEFORE_EACH_MIGRATE;
      }

      @Override
      public boolean canHandleInTransaction(Event event, Context context) {
        return true;
      }

      @Override
      public void handle(Event event, Context context) {
        counts.merge(context.getMigrationInfo().getVersion().getVersion(),
            event == Event.AFTER_EACH_MIGRATE_STATEMENT ? 1 : 0, Integer::sum);
      }

      @Override
      public String getCallbackName() {
        return "statement counter";
      }
    };
    Path dir = ScratchDirectories.create("flotilla-count");
    Flyway.configure().dataSource(url(dir.resolve("flotilla")), null, null).locations("classpath:db/migration")
        .callbacks(counter).load().migrate();
    assertThat(counts).as("statements seen per migration").isNotEmpty().allSatisfy((v, n) -> assertThat(n)
        .isPositive());
    return counts;
  }

  private static Map<String, Long> migrationMillis(Path dir) throws SQLException {
    Map<String, Long> took = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(url(dir.resolve("flotilla")));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT \"version\", \"execution_time\" FROM \"flyway_schema_history\" WHERE "
            + "\"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
      while (rs.next()) {
        if (Integer.parseInt(rs.getString(1)) > 6) { // V1-V6 made the database before the test upgraded it
          took.put("V" + rs.getString(1), rs.getLong(2));
        }
      }
    }
    return took;
  }

  private static String newestLog(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      Path log = files.filter(p -> p.getFileName().toString().matches("server-\\d+\\.log"))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().replaceAll("\\D", ""))))
          .orElseThrow();
      return Files.readString(log);
    }
  }

  private static void check(Path dir) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(dir.resolve("flotilla")));
        Statement s = c.createStatement()) {
      assertThat(count(s, "SELECT COUNT(*) FROM devices WHERE id LIKE 'mig-%'")).isEqualTo(DEVICES);
      // since V8 a row's job and position are its key: k = job_no * 2^32 + position
      for (String job : List.of("old-properties", "old-commands")) {
        long no = count(s, "SELECT job_no FROM jobs WHERE id = '" + job + "'");
        String rows = " FROM job_devices WHERE k BETWEEN " + (no << 32) + " AND " + ((no << 32) + 0xFFFFFFFFL);
        assertThat(count(s, "SELECT COUNT(DISTINCT device_id)" + rows)).as(job).isEqualTo(DEVICES);
        assertThat(count(s, "SELECT COUNT(*)" + rows + " AND status = 2")).as(job + " completed")
            .isEqualTo(job.equals("old-properties") ? DEVICES : DEVICES / 2);
        assertThat(count(s, "SELECT COUNT(*)" + rows + " AND status = 3 AND error_code = 'DeviceNotOnline'"))
            .as(job + " failed").isEqualTo(job.equals("old-properties") ? 0 : DEVICES - DEVICES / 2);
      }
      assertThat(count(s, "SELECT COUNT(*) FROM job_devices")).isEqualTo(2L * DEVICES);
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
          + "batch_size, desired_version) VALUES ('old-properties', 'g', 'PROPERTY', '[{\"type\":\"PropertyJobData\","
          + "\"target\":\"dtmi:t;1\",\"path\":\"TargetTemperature\",\"value\":7.5}]', 'complete', CURRENT_TIMESTAMP, "
          + DEVICES + ", " + DEVICES + ", 0, 0, 1500)");
      s.execute("INSERT INTO job_devices (job_id, seq, device_id, status, desired_version, updated_at) SELECT "
          + "'old-properties', X, 'mig-' || X, 2, 1500, CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, " + DEVICES + ")");
      s.execute("INSERT INTO jobs (id, group_id, kind, items, status, created_at, total, completed, failed, "
          + "batch_size, desired_version) VALUES ('old-commands', 'g', 'COMMAND', '[{\"type\":\"CommandJobData\","
          + "\"target\":\"dtmi:t;1\",\"path\":\"reboot\",\"value\":1}]', 'complete', CURRENT_TIMESTAMP, "
          + DEVICES + ", " + DEVICES / 2 + ", " + (DEVICES - DEVICES / 2) + ", 0, 0)");
      s.execute("INSERT INTO job_devices (job_id, seq, device_id, status, response_code, error_code, updated_at) "
          + "SELECT 'old-commands', X, 'mig-' || X, CASE WHEN MOD(X, 2) = 0 THEN 2 ELSE 3 END, CASE WHEN MOD(X, 2) "
          + "= 0 THEN 200 END, CASE WHEN MOD(X, 2) = 1 THEN 'DeviceNotOnline' END, CURRENT_TIMESTAMP FROM "
          + "SYSTEM_RANGE(1, " + DEVICES + ")");
    }
  }

  private static Path copyOf(Path source) throws Exception {
    Path dir = ScratchDirectories.create("flotilla-migrate");
    Files.copy(source.resolve("flotilla.mv.db"), dir.resolve("flotilla.mv.db"));
    return dir;
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
