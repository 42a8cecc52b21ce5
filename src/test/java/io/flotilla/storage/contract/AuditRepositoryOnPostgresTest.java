package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link AuditRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class AuditRepositoryOnPostgresTest extends AuditRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
