package io.flotilla.storage.sql;

/** The databases Flotilla runs on; SQL that differs between them is chosen here. */
public enum Dialect {
  H2, POSTGRESQL;

  /** SQL for the next value of a sequence. */
  String nextValue(String sequence) {
    return this == POSTGRESQL ? "SELECT nextval('" + sequence + "')" : "SELECT NEXT VALUE FOR " + sequence;
  }

  static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      return H2;
    }
    throw new IllegalArgumentException("Unsupported database URL (use jdbc:h2:... or jdbc:postgresql:...): " + jdbcUrl);
  }
}
