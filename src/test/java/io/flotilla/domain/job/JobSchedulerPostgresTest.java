package io.flotilla.domain.job;

import io.flotilla.storage.sql.Database;
import io.flotilla.testing.PostgresDatabase;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** {@link JobSchedulerTest} on the embedded PostgreSQL (a fresh database per test). */
class JobSchedulerPostgresTest extends JobSchedulerTest {
  @Override
  Database open(Vertx vertx, Path dir) {
    return Database.open(vertx, PostgresDatabase.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password(), null);
  }
}
