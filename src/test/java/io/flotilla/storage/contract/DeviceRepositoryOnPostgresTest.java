package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link DeviceRepositoryContract} on the embedded PostgreSQL (a fresh database). */
class DeviceRepositoryOnPostgresTest extends DeviceRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.postgres(vertx);
  }
}
