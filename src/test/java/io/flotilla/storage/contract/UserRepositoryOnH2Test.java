package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link UserRepositoryContract} on H2. */
class UserRepositoryOnH2Test extends UserRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
