package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link AuditRepositoryContract} on H2 (a temporary file database). */
class AuditRepositoryOnH2Test extends AuditRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
