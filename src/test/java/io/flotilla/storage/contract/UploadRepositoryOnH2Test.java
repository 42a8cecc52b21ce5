package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link UploadRepositoryContract} on H2 (a temporary file database). */
class UploadRepositoryOnH2Test extends UploadRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
