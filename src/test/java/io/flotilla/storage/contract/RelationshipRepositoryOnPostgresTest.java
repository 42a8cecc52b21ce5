package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link RelationshipRepositoryContract} on Postgres. */
class RelationshipRepositoryOnPostgresTest extends RelationshipRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
