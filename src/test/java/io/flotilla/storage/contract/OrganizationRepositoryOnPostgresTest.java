package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link OrganizationRepositoryContract} on Postgres. */
class OrganizationRepositoryOnPostgresTest extends OrganizationRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
