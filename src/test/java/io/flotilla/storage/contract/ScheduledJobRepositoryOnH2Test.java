package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link ScheduledJobRepositoryContract} on H2 (a temporary file database). */
class ScheduledJobRepositoryOnH2Test extends ScheduledJobRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
