package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link TelemetryAndCommandRepositoryContract} on H2 (a temporary file database). */
class TelemetryAndCommandRepositoryOnH2Test extends TelemetryAndCommandRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
