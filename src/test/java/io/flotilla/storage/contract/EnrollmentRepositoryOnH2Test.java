package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link EnrollmentRepositoryContract} on H2 (a temporary file database). */
class EnrollmentRepositoryOnH2Test extends EnrollmentRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
