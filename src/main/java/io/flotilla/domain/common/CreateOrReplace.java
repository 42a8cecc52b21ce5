package io.flotilla.domain.common;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a PUT writes: replace the resource in place (one atomic update of the stored row) or, when there is none,
 * create it. A create that loses to a concurrent create of the same id ({@code Conflict}) replaces what that one
 * created instead, so concurrent PUTs of one id all succeed, the last one written winning.
 */
public final class CreateOrReplace {
  /** Rounds a PUT makes when creates and deletes of its id keep alternating under it. */
  static final int ATTEMPTS = 5;

  private CreateOrReplace() {
  }

  /**
   * @param replace the atomic update of the stored resource; empty when there is none
   * @param create the insert of a new one; fails with {@code Conflict} when the id exists
   */
  public static <T> Future<T> run(Supplier<Future<Optional<T>>> replace, Supplier<Future<T>> create) {
    return attempt(replace, create, ATTEMPTS);
  }

  private static <T> Future<T> attempt(Supplier<Future<Optional<T>>> replace, Supplier<Future<T>> create,
                                       int attemptsLeft) {
    return replace.get().compose(replaced -> replaced.isPresent() ? Future.succeededFuture(replaced.get())
        : create.get().recover(e -> e instanceof FlotillaException.Conflict && attemptsLeft > 1
            ? attempt(replace, create, attemptsLeft - 1) : Future.failedFuture(e)));
  }
}
