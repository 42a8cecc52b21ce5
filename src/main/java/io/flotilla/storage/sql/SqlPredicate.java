package io.flotilla.storage.sql;

import java.util.List;
import java.util.Objects;

/**
 * A boolean SQL expression with {@code ?} placeholders and their values in order (String, Double or Boolean), to be
 * used as {@code ... FROM devices d WHERE <sql>}.
 */
public record SqlPredicate(String sql, List<Object> parameters) {

  public SqlPredicate {
    Objects.requireNonNull(sql, "sql");
    parameters = List.copyOf(parameters);
  }
}
