package io.flotilla.domain.common;

import io.vertx.core.Future;
import java.util.function.Supplier;

/** Read-check-write attempts that lost to a concurrent change: read and write again, a bounded number of times. */
public final class ConcurrentChanges {
  /** Attempts a request makes before it answers {@code Conflict}. */
  public static final int ATTEMPTS = 5;

  private ConcurrentChanges() {
  }

  /**
   * Runs {@code attempt} again while attempts are left (counting the one that just lost); {@code Conflict} naming
   * {@code resource} (e.g. {@code Device "d1"}) after the last.
   */
  public static <T> Future<T> again(String resource, int attemptsLeft, Supplier<Future<T>> attempt) {
    if (attemptsLeft <= 1) {
      return Future.failedFuture(new FlotillaException.Conflict(resource
          + " kept changing while this request was applied; try again."));
    }
    return attempt.get();
  }
}
