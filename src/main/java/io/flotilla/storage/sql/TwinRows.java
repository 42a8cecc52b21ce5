package io.flotilla.storage.sql;

import io.flotilla.domain.device.Twin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code device_twins} row of a device. */
final class TwinRows {
  private static final String COLUMNS = "desired, desired_version, desired_metadata, reported, reported_version, "
      + "reported_metadata, cloud, cloud_metadata";

  private TwinRows() {
  }

  static void insert(Connection c, String deviceId, Twin t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_twins (device_id, " + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, deviceId);
      bind(ps, 2, t);
      ps.executeUpdate();
    }
  }

  static void update(Connection c, String deviceId, Twin t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE device_twins SET desired = ?, desired_version = ?, "
        + "desired_metadata = ?, reported = ?, reported_version = ?, reported_metadata = ?, cloud = ?, "
        + "cloud_metadata = ? WHERE device_id = ?")) {
      bind(ps, 1, t);
      ps.setString(9, deviceId);
      ps.executeUpdate();
    }
  }

  static Optional<Twin> find(Connection c, String deviceId, boolean forUpdate) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM device_twins WHERE device_id = ?"
        + (forUpdate ? " FOR UPDATE" : ""))) {
      ps.setString(1, deviceId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Twin(JsonText.readObject(rs.getString(1)), rs.getLong(2),
            JsonText.readObject(rs.getString(3)), JsonText.readObject(rs.getString(4)), rs.getLong(5),
            JsonText.readObject(rs.getString(6)), JsonText.readObject(rs.getString(7)),
            JsonText.readObject(rs.getString(8))));
      }
    }
  }

  private static void bind(PreparedStatement ps, int from, Twin t) throws SQLException {
    ps.setString(from, JsonText.write(t.desired()));
    ps.setLong(from + 1, t.desiredVersion());
    ps.setString(from + 2, JsonText.write(t.desiredMetadata()));
    ps.setString(from + 3, JsonText.write(t.reported()));
    ps.setLong(from + 4, t.reportedVersion());
    ps.setString(from + 5, JsonText.write(t.reportedMetadata()));
    ps.setString(from + 6, JsonText.write(t.cloud()));
    ps.setString(from + 7, JsonText.write(t.cloudMetadata()));
  }
}
