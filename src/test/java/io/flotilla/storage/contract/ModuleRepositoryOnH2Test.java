package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link ModuleRepositoryContract} on H2 (a temporary file database). */
class ModuleRepositoryOnH2Test extends ModuleRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
