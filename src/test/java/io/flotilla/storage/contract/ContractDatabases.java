package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;
import io.flotilla.testing.PostgresDatabase;
import io.flotilla.testing.ScratchDirectories;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** The two databases every contract runs on. */
final class ContractDatabases {
  private ContractDatabases() {
  }

  /** A fresh H2 file database in a new temporary directory (the embedded default). */
  static Database h2(Vertx vertx) {
    Path dir = ScratchDirectories.create("flotilla-contract");
    return Database.open(vertx, "jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE", null, null, null);
  }

  /** A fresh database on the test JVM's embedded PostgreSQL. */
  static Database postgres(Vertx vertx) {
    return Database.open(vertx, PostgresDatabase.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password(), null);
  }
}
