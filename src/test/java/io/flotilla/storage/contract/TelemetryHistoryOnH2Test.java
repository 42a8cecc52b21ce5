package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link TelemetryHistoryContract} on H2 (a temporary file database). */
class TelemetryHistoryOnH2Test extends TelemetryHistoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
