package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link JobEventLogContract} on H2 (a temporary file database). */
class JobEventLogOnH2Test extends JobEventLogContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
