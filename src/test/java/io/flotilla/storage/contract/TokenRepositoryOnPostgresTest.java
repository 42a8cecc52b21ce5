package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link TokenRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class TokenRepositoryOnPostgresTest extends TokenRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
