package io.flotilla.gateway.mqtt;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work on one Vert.x context, coalescing what other threads hand it: tasks queue up and one drain task per burst
 * runs them all, instead of one context task (and often one wake-up of the event loop) each. A command job hands ten
 * thousand method requests to a few session contexts, and their answers back to the engine's, this way. Tasks from
 * one thread run in the order given; a task given on the context itself runs at once. A mailbox belongs to an
 * event loop's own context: the per-request and per-timer-firing duplicates Vert.x creates share their loop's.
 */
final class ContextMailbox {
  private static final Logger LOG = LoggerFactory.getLogger(ContextMailbox.class);

  private final Context context;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  ContextMailbox(Context context) {
    this.context = context;
  }

  void execute(Runnable task) {
    if (root(Vertx.currentContext()) == context) {
      task.run();
      return;
    }
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  private void drain() {
    scheduled.set(false);
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.warn("Task failed on {}", context, e);
        }
      }
    } finally {
      if (!tasks.isEmpty()) {
        schedule(); // an Error left tasks behind: they still run
      }
    }
  }

  /** The event loop's own context behind {@code context} (null stays null). */
  static Context root(Context context) {
    return context instanceof ContextInternal internal ? internal.unwrap() : context;
  }

  /** One mailbox per context, for the life of a gateway. */
  static final class Registry {
    private final Map<Context, ContextMailbox> boxes = new ConcurrentHashMap<>();

    ContextMailbox of(Context context) {
      return boxes.computeIfAbsent(root(context), ContextMailbox::new);
    }

    int size() {
      return boxes.size();
    }
  }
}
