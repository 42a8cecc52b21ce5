package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link ExportRepositoryContract} on H2 (a temporary file database). */
class ExportRepositoryOnH2Test extends ExportRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
