package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link ModuleRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class ModuleRepositoryOnPostgresTest extends ModuleRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
