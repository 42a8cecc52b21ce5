package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link TemplateRepositoryContract} on H2 (a temporary file database). */
class TemplateRepositoryOnH2Test extends TemplateRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
