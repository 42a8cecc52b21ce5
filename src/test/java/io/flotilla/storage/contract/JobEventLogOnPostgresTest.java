package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link JobEventLogContract} on the embedded PostgreSQL (a fresh database). */
class JobEventLogOnPostgresTest extends JobEventLogContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
