package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link TelemetryAndCommandRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class TelemetryAndCommandRepositoryOnPostgresTest extends TelemetryAndCommandRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
