package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link JobRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class JobRepositoryOnPostgresTest extends JobRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
