package io.flotilla.storage.contract;

import io.flotilla.storage.sql.Database;

/** {@link TokenRepositoryContract} on H2 (a temporary file database). */
class TokenRepositoryOnH2Test extends TokenRepositoryContract {
  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }
}
