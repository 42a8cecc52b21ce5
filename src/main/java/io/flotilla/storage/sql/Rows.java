package io.flotilla.storage.sql;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Small JDBC helpers shared by the repositories. */
final class Rows {
  private Rows() {
  }

  static void bind(PreparedStatement ps, int from, List<Object> params) throws SQLException {
    int i = from;
    for (Object p : params) {
      ps.setObject(i++, p);
    }
  }

  static String joinOrgs(List<String> orgs) {
    return orgs == null || orgs.isEmpty() ? null : String.join(",", orgs);
  }

  static List<String> splitOrgs(String s) {
    return s == null || s.isEmpty() ? List.of() : List.of(s.split(","));
  }
}
