package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link ExportRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class ExportRepositoryOnPostgresTest extends ExportRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
