package io.flotilla.domain.auth;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Function;

/** Storage of users (port). */
public interface UserRepository {
  /**
   * Creates or changes the user {@code id} in one transaction: {@code change} gets the stored user (its row locked;
   * empty when there is none) and answers what to write. Fails with {@code Conflict} when another user already has
   * the same principal (email, or tenant and object id). {@code change} runs inside the transaction, must not wait,
   * and aborts the write by throwing.
   */
  Future<User> write(String id, Function<Optional<User>, User> change);

  Future<Optional<User>> find(String id);

  Future<Page<User>> list(PageRequest page);

  Future<Boolean> delete(String id);
}
