package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link CommandQueueContract} on the embedded PostgreSQL (a fresh database). */
class CommandQueueOnPostgresTest extends CommandQueueContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
