package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client's Server-Sent Events stream of live events pushed from elsewhere (device connections, telemetry, job
 * progress). Events are offered from any thread and queued on the request's context; an event with the key of one
 * still queued replaces it (the newest state wins), so a slow reader holds at most {@value #MAX_PENDING} events: past
 * that the queue is dropped and a {@code reset} event tells the client to read the state again. When nothing is
 * queued a comment is sent every {@link #KEEP_ALIVE} so dead connections are noticed.
 */
final class LiveFeed implements Reply.Chunks {
  static final int MAX_PENDING = 1_000;
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private record Pending(String type, ObjectNode data) {
  }

  private final Vertx vertx;
  private final Context context;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final List<Runnable> onClose = new ArrayList<>();
  private boolean started;
  private boolean overflowed;
  private boolean closed;
  private Promise<List<String>> waiting;
  private long timer = -1;

  LiveFeed(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
  }

  /** Runs {@code r} once the stream ends (to close the watches feeding it). */
  LiveFeed onClose(Runnable r) {
    onClose.add(r);
    return this;
  }

  /** Queues an event (from any thread); it replaces a queued event of the same {@code key}. */
  void offer(String key, String type, ObjectNode data) {
    context.runOnContext(v -> {
      if (closed) {
        return;
      }
      pending.remove(key);
      pending.put(key, new Pending(type, data));
      if (pending.size() > MAX_PENDING) {
        pending.clear();
        overflowed = true;
      }
      Promise<List<String>> p = waiting;
      if (p != null) {
        waiting = null;
        disarm();
        p.complete(drain());
      }
    });
  }

  @Override
  public Future<List<String>> next() {
    if (closed) {
      return Future.succeededFuture(List.of());
    }
    if (!started || overflowed || !pending.isEmpty()) {
      return Future.succeededFuture(drain());
    }
    waiting = Promise.promise();
    timer = vertx.setTimer(KEEP_ALIVE.toMillis(), id -> context.runOnContext(v -> {
      timer = -1;
      Promise<List<String>> p = waiting;
      if (p != null && !closed) {
        waiting = null;
        p.complete(List.of(": keep-alive", ""));
      }
    }));
    return waiting.future();
  }

  private List<String> drain() {
    List<String> out = new ArrayList<>();
    if (!started) {
      started = true;
      out.add("retry: 1000");
      out.add("");
    }
    if (overflowed) {
      overflowed = false;
      out.add("event: reset");
      out.add("data: {}");
      out.add("");
    }
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending e = it.next();
      it.remove();
      out.add("event: " + e.type());
      out.add("data: " + Json.write(e.data()));
      out.add("");
    }
    return out;
  }

  private void disarm() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  @Override
  public void close() {
    closed = true;
    disarm();
    onClose.forEach(Runnable::run);
    Promise<List<String>> p = waiting;
    waiting = null;
    if (p != null) {
      p.tryComplete(List.of());
    }
  }
}
