package io.flotilla.storage.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Desired {@code $version}s come from one database sequence, so every new desired state (a REST write or a property
 * job) gets a version above every version handed out before: per device, versions only ever increase.
 */
final class DesiredVersions {
  private DesiredVersions() {
  }

  static long next(Connection c, Dialect dialect) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(dialect.nextValue("desired_versions"));
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
