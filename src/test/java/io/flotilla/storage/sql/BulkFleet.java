package io.flotilla.storage.sql;

/**
 * Large fleets for browser and benchmark tests, written with set-based SQL on H2 (no REST call per device): copies of
 * one device made through the API, with its attestation and twin.
 */
public final class BulkFleet {
  private BulkFleet() {
  }

  /**
   * Inserts devices {@code prefix000001} .. {@code prefix<n>} ({@code Load device i}) of {@code template}, offline and
   * never provisioned, each with the attestation and twin of the existing device {@code model} (blocking).
   */
  public static void copies(Database db, String model, String template, String prefix, int n) {
    db.transaction(c -> {
      try (var ps = c.prepareStatement("INSERT INTO devices (id, display_name, template_id, enabled, simulated, "
          + "provisioned, etag, attestation, organizations, created_at) SELECT CONCAT(?, LPAD(CAST(X AS VARCHAR), 6, "
          + "'0')), CONCAT('Load device ', X), ?, TRUE, FALSE, FALSE, '\"e\"', m.attestation, NULL, m.created_at "
          + "FROM SYSTEM_RANGE(1, ?) CROSS JOIN devices m WHERE m.id = ?")) {
        ps.setString(1, prefix);
        ps.setString(2, template);
        ps.setInt(3, n);
        ps.setString(4, model);
        ps.executeUpdate();
      }
      try (var ps = c.prepareStatement("INSERT INTO device_twins (device_id, desired, desired_version, "
          + "desired_metadata, reported, reported_version, reported_metadata, cloud, cloud_metadata) SELECT d.id, "
          + "t.desired, t.desired_version, t.desired_metadata, t.reported, t.reported_version, t.reported_metadata, "
          + "t.cloud, t.cloud_metadata FROM devices d CROSS JOIN device_twins t WHERE t.device_id = ? "
          + "AND d.id LIKE ?")) {
        ps.setString(1, model);
        ps.setString(2, prefix + "%");
        ps.executeUpdate();
      }
      return null;
    }).toCompletionStage().toCompletableFuture().join();
  }
}
