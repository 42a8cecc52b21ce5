package io.flotilla.domain.common;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * Runs asynchronous work one piece at a time, in the order it was handed in: a check and the write it guards (a count
 * against a limit, then the insert) cannot interleave with another such pair. In-process, so for one server.
 */
public final class SerialGate {
  private Future<?> tail = Future.succeededFuture();

  /** Starts {@code work} once everything handed in before it has finished (successfully or not). */
  public synchronized <T> Future<T> run(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    Future<?> previous = tail;
    tail = done.future();
    previous.onComplete(ignored -> {
      try {
        work.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }
}
