package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link GroupRepositoryContract} on H2 (a temporary file database). */
class GroupRepositoryOnH2Test extends GroupRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
