package io.flotilla.storage.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
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

  /** Maps one result-set row. */
  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Runs a query with positional parameters and maps every row. */
  static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
    List<T> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
      }
    }
    return out;
  }

  static String joinOrgs(List<String> orgs) {
    return orgs == null || orgs.isEmpty() ? null : String.join(",", orgs);
  }

  static List<String> splitOrgs(String s) {
    return s == null || s.isEmpty() ? List.of() : List.of(s.split(","));
  }
}
