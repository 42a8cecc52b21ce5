package io.flotilla.domain.auth;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.Optional;

/** Storage of API tokens (port). */
public interface TokenRepository {
  /** Inserts or replaces the token with this id. */
  Future<Void> save(ApiToken token);

  Future<Optional<ApiToken>> find(String id);

  Future<Page<ApiToken>> list(PageRequest page);

  /** Fails with nothing; answers whether a token was removed. */
  Future<Boolean> delete(String id);
}
