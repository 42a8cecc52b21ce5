package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link OrganizationRepositoryContract} on H2. */
class OrganizationRepositoryOnH2Test extends OrganizationRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
