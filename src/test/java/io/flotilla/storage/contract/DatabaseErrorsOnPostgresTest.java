package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link DatabaseErrorsContract} on the embedded PostgreSQL (a fresh database). */
class DatabaseErrorsOnPostgresTest extends DatabaseErrorsContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
