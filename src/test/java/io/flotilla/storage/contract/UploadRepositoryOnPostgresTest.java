package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link UploadRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class UploadRepositoryOnPostgresTest extends UploadRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
