package io.flotilla.storage.sql;

import io.flotilla.domain.device.Twin;
import io.flotilla.domain.job.DesiredPatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * Property-job rows newer than a twin's desired version are part of the device's desired state: they are applied
 * in version order on every read, and written into {@code device_twins} with the next twin write (the fold).
 */
final class DesiredOverlays {
  private DesiredOverlays() {
  }

  static Twin fold(Connection c, String deviceId, Twin twin) throws SQLException {
    Twin result = twin;
    try (PreparedStatement ps = c.prepareStatement("SELECT jd.desired_version, j.items, jd.updated_at "
        + "FROM job_devices jd JOIN jobs j ON j.id = jd.job_id WHERE jd.device_id = ? AND jd.desired_version > ? "
        + "ORDER BY jd.desired_version")) {
      ps.setString(1, deviceId);
      ps.setLong(2, twin.desiredVersion());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp at = rs.getTimestamp(3);
          result = result.withDesiredPatch(DesiredPatch.of(JobRows.readItems(rs.getString(2))), rs.getLong(1),
              at == null ? "" : at.toInstant().toString());
        }
      }
    }
    return result;
  }
}
