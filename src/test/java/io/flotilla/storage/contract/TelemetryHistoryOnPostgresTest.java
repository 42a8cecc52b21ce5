package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link TelemetryHistoryContract} on the embedded PostgreSQL (a fresh database). */
class TelemetryHistoryOnPostgresTest extends TelemetryHistoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
