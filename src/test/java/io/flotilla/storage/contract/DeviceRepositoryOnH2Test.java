package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link DeviceRepositoryContract} on H2 (a temporary file database). */
class DeviceRepositoryOnH2Test extends DeviceRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
