package io.flotilla.storage.sql;

import io.flotilla.domain.device.Twin;
import io.flotilla.domain.job.DesiredPatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

/**
 * Property-job rows are part of the device's desired state: they are applied in version order on every read, property
 * by property (a property keeps a newer value it already has), and written into {@code device_twins} with the next
 * twin write (the fold), which also deletes the rows it folded. Every row of the device is considered, not only those
 * above the twin's version: a job whose transaction took its version before a concurrent write but committed after it
 * still lands.
 */
final class DesiredOverlays {
  private DesiredOverlays() {
  }

  static Twin fold(Connection c, String deviceId, Twin twin) throws SQLException {
    return fold(c, deviceId, twin, null);
  }

  /** Deletes every row of the device (it is being deleted, or no longer exists). */
  static void removeAll(Connection c, String deviceId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM desired_overlays WHERE device_id = ?")) {
      ps.setString(1, deviceId);
      ps.executeUpdate();
    }
  }

  /** Deletes the device's rows of these versions (those a fold read, once the twin it made is stored). */
  static void prune(Connection c, String deviceId, List<Long> versions) throws SQLException {
    if (versions.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM desired_overlays WHERE device_id = ? AND desired_version = ?")) {
      for (long version : versions) {
        ps.setString(1, deviceId);
        ps.setLong(2, version);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Folds, adding the versions of the rows it read to {@code read} (when given). */
  static Twin fold(Connection c, String deviceId, Twin twin, List<Long> read) throws SQLException {
    Twin result = twin;
    try (PreparedStatement ps = c.prepareStatement("SELECT o.desired_version, j.items, o.updated_at "
        + "FROM desired_overlays o JOIN jobs j ON j.id = o.job_id WHERE o.device_id = ? AND o.desired_version > ? "
        + "ORDER BY o.device_id, o.desired_version")) {
      ps.setString(1, deviceId);
      ps.setLong(2, twin.baseline());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp at = rs.getTimestamp(3);
          if (read != null) {
            read.add(rs.getLong(1));
          }
          result = result.withDesiredPatch(patch(rs.getString(2)), rs.getLong(1),
              at == null ? "" : at.toInstant().toString());
        }
      }
    }
    return result;
  }

  private static final java.util.Map<String, com.fasterxml.jackson.databind.node.ObjectNode> PATCHES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A job's desired patch, parsed once per distinct items document (a job's items never change). */
  private static com.fasterxml.jackson.databind.node.ObjectNode patch(String items) {
    if (PATCHES.size() > 1_000) {
      PATCHES.clear();
    }
    return PATCHES.computeIfAbsent(items, i -> DesiredPatch.of(JobRows.readItems(i)));
  }
}
