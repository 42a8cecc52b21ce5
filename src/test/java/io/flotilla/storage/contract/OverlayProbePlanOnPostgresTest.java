package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.storage.sql.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's plan of the twin read's probe of property-job rows ({@code DesiredOverlays.rows}): {@code desired_overlays}
 * has no index that starts with the device, so the probe is only cheap as one index seek per outstanding version. The
 * plan is checked generic (as the JDBC driver's server-side prepared statements use it after five executions), over
 * 8 versions of 20,000 devices each.
 */
class OverlayProbePlanOnPostgresTest extends RepositoryContract {
  /** The probe as {@code DesiredOverlays.rows} sends it. */
  private static final String PROBE = "SELECT v.desired_version, j.items, v.updated_at "
      + "FROM overlay_versions v JOIN jobs j ON j.id = v.job_id WHERE EXISTS "
      + "(SELECT 1 FROM desired_overlays o WHERE o.desired_version = v.desired_version AND o.device_id = $1) "
      + "ORDER BY v.desired_version";

  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }

  @Test
  void aTwinReadSeeksTheOverlayIndexOncePerVersionEvenWithAGenericPlan() throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      for (int v = 1; v <= 8; v++) {
        s.execute("INSERT INTO jobs (id, group_id, kind, items, status, created_at, total, completed, failed, "
            + "batch_size, desired_version, job_no) VALUES ('pj" + v + "', 'g', 'PROPERTY', '[]', 'complete', "
            + "CURRENT_TIMESTAMP, 20000, 20000, 0, 0, " + v + ", " + v + ")");
        s.execute("INSERT INTO overlay_versions (desired_version, job_id, updated_at) VALUES (" + v + ", 'pj" + v
            + "', CURRENT_TIMESTAMP)");
      }
      s.execute("INSERT INTO desired_overlays (desired_version, device_id) SELECT v, 'dev-' || lpad(d::text, 5, '0') "
          + "FROM generate_series(1, 8) v, generate_series(1, 20000) d");
      s.execute("ANALYZE overlay_versions");
      s.execute("ANALYZE desired_overlays");
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("PREPARE probe(varchar) AS " + PROBE);
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE probe('dev-00042')")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      s.execute("DEALLOCATE probe");
      s.execute("RESET plan_cache_mode");
      assertThat(plan.toString()).as(plan.toString())
          .containsPattern("Index (Only )?Scan using desired_overlays_version_device on desired_overlays")
          .doesNotContain("Seq Scan on desired_overlays");
    }
  }
}
