package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link ScheduledJobRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class ScheduledJobRepositoryOnPostgresTest extends ScheduledJobRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
