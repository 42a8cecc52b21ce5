package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link JobRepositoryContract} on H2 (a temporary file database). */
class JobRepositoryOnH2Test extends JobRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
