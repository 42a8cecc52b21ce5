package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link GroupRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class GroupRepositoryOnPostgresTest extends GroupRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
