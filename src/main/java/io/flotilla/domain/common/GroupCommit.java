package io.flotilla.domain.common;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Group commits: one write at a time, carrying every item queued while the previous one ran (at most {@code most}).
 * A lone item is written at once; thousands arriving together cost a few writes instead of thousands. The write
 * settles its items itself (their own promises); its future only says when the next write may start.
 */
public final class GroupCommit<T> {
  private final int most;
  private final Function<List<T>, Future<?>> write;
  private final ConcurrentLinkedQueue<T> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();

  public GroupCommit(int most, Function<List<T>, Future<?>> write) {
    this.most = most;
    this.write = write;
  }

  public void submit(T item) {
    waiting.add(item);
    writeNext();
  }

  private void writeNext() {
    if (!writing.compareAndSet(false, true)) {
      return;
    }
    List<T> batch = new ArrayList<>();
    T item;
    while (batch.size() < most && (item = waiting.poll()) != null) {
      batch.add(item);
    }
    if (batch.isEmpty()) {
      writing.set(false);
      if (!waiting.isEmpty()) {
        writeNext(); // an item queued after the poll and before the flag was cleared
      }
      return;
    }
    Future<?> written;
    try {
      written = write.apply(batch);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(ar -> {
      writing.set(false);
      writeNext();
    });
  }
}
