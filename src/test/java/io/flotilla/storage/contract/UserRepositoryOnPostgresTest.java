package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link UserRepositoryContract} on Postgres. */
class UserRepositoryOnPostgresTest extends UserRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
