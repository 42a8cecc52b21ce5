package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link DatabaseErrorsContract} on H2 (a temporary file database). */
class DatabaseErrorsOnH2Test extends DatabaseErrorsContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
