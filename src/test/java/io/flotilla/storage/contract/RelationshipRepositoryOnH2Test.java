package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link RelationshipRepositoryContract} on H2. */
class RelationshipRepositoryOnH2Test extends RelationshipRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
