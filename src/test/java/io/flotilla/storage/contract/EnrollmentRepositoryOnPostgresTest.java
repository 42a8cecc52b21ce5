package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link EnrollmentRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class EnrollmentRepositoryOnPostgresTest extends EnrollmentRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
