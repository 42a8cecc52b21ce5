package io.flotilla.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/** Runs {@code count} asynchronous tasks with at most {@code concurrency} in flight; a failure does not stop the rest. */
public final class Bounded {

  /** How a run went: successes, failures, the first failure, and the wall time from start to the last completion. */
  public record Tally(int ok, int failed, String firstError, long nanos) {
    public double perSecond() {
      return ScenarioResult.perSecond(ok, nanos);
    }
  }

  private final int count;
  private final IntFunction<Future<?>> task;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private final Promise<Tally> done = Promise.promise();
  private long start;

  private Bounded(int count, IntFunction<Future<?>> task) {
    this.count = count;
    this.task = task;
  }

  public static Future<Tally> run(int count, int concurrency, IntFunction<Future<?>> task) {
    Bounded run = new Bounded(count, task);
    run.start = System.nanoTime();
    if (count == 0) {
      return Future.succeededFuture(new Tally(0, 0, null, 0));
    }
    for (int i = 0; i < Math.min(Math.max(1, concurrency), count); i++) {
      run.startNext();
    }
    return run.done.future();
  }

  private void startNext() {
    int i = next.getAndIncrement();
    if (i >= count) {
      return;
    }
    Future<?> f;
    try {
      f = task.apply(i);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        ok.incrementAndGet();
      } else {
        failed.incrementAndGet();
        firstError.compareAndSet(null, String.valueOf(ar.cause().getMessage()));
      }
      if (ok.get() + failed.get() == count) {
        done.tryComplete(new Tally(ok.get(), failed.get(), firstError.get(), System.nanoTime() - start));
      } else {
        startNext();
      }
    });
  }
}
