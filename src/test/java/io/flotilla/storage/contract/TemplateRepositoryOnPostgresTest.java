package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link TemplateRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class TemplateRepositoryOnPostgresTest extends TemplateRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
