package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link CommandQueueContract} on H2 (a temporary file database). */
class CommandQueueOnH2Test extends CommandQueueContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
