package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;
import io.flotilla.testing.PostgresDatabase;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The two databases every contract runs on. */
final class ContractDatabases {
  private ContractDatabases() {
  }

  /** A fresh H2 file database in a new temporary directory (the embedded default). */
  static Database h2(Vertx vertx) {
    try {
      Path dir = Files.createTempDirectory("flotilla-contract");
      dir.toFile().deleteOnExit();
      return Database.open(vertx, "jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE", null, null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh database on the test JVM's embedded PostgreSQL. */
  static Database postgres(Vertx vertx) {
    return Database.open(vertx, PostgresDatabase.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password(), null);
  }
}
