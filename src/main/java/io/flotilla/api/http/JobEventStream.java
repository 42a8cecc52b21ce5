package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.job.JobEvent;
import io.flotilla.domain.job.JobEventId;
import io.flotilla.domain.job.JobEventJson;
import io.flotilla.domain.job.JobEventPage;
import io.flotilla.domain.job.JobEvents;
import io.flotilla.domain.job.JobProgress;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's Server-Sent Events stream of a job's log (docs/jobs.md "Events"), pulled by the HTTP response as it
 * can take more: each pull reads at most {@value #PAGE} events after the last one sent, so a stream holds at most one
 * page and the connection's write queue however slow its reader. When the log has nothing new it waits for the job's
 * next entry (a wake-up from {@link JobEvents}, coalesced; no polling), sending a comment every
 * {@link #KEEP_ALIVE} so dead connections are noticed. Progress is sent when it changed, at most every
 * {@link #PROGRESS_EVERY}; the stream ends once the job is final and its whole log was sent. Runs on the request's
 * context.
 */
final class JobEventStream implements Reply.Chunks {
  static final int PAGE = 500;
  static final Duration PROGRESS_EVERY = Duration.ofMillis(250);
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  /** The reconnection delay suggested to clients. */
  static final long RETRY_MILLIS = 1000;

  private final JobEvents events;
  private final String jobId;
  private final Vertx vertx;
  private final Context context;
  private final Clock clock;
  private final JobEvents.Watch watch;
  private JobEventPage first;
  private JobEventId cursor;
  private JobProgress sentProgress;
  private Instant sentProgressAt = Instant.MIN;
  private boolean started;
  private boolean ended;
  private boolean closed;
  /** The log grew (or progress fell due) since the last read began. */
  private boolean woken;
  private Promise<List<String>> waiting;
  private long timer = -1;

  /**
   * A stream of job {@code jobId} after {@code after}, whose first page ({@code first}) was read already (the job
   * exists).
   */
  JobEventStream(JobEvents events, String jobId, JobEventId after, JobEventPage first, Vertx vertx, Clock clock) {
    this.events = events;
    this.jobId = jobId;
    this.cursor = after;
    this.first = first;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clock = clock;
    this.watch = events.watch(jobId, () -> context.runOnContext(v -> wake()));
  }

  @Override
  public Future<List<String>> next() {
    if (ended || closed) {
      return Future.succeededFuture(List.of());
    }
    if (first != null) {
      JobEventPage page = first;
      first = null;
      return Future.succeededFuture(lines(page));
    }
    return read();
  }

  /** Reads after the cursor: answers what it found, or waits for more. */
  private Future<List<String>> read() {
    woken = false;
    return events.after(jobId, cursor, PAGE).compose(page -> {
      List<String> out = lines(page);
      if (!out.isEmpty() || ended || closed) {
        return Future.succeededFuture(out);
      }
      if (woken) {
        return read();
      }
      waiting = Promise.promise();
      arm(KEEP_ALIVE, true);
      return waiting.future();
    });
  }

  private void wake() {
    woken = true;
    Promise<List<String>> p = waiting;
    if (p != null && !closed) {
      waiting = null;
      disarm();
      read().onComplete(p);
    }
  }

  /** The lines of a page's events, the progress when it is due, and the end when the log is complete. */
  private List<String> lines(JobEventPage page) {
    List<String> out = new ArrayList<>();
    if (!started) {
      started = true;
      out.add("retry: " + RETRY_MILLIS);
    }
    for (JobEvent e : page.events()) {
      event(out, e.id(), e instanceof JobEvent.StatusChanged ? "status" : "device", JobEventJson.of(e));
      cursor = e.id();
    }
    JobProgress progress = page.job().progress();
    boolean complete = page.complete();
    if (!progress.equals(sentProgress)) {
      Instant now = clock.instant();
      Instant due = sentProgressAt.plus(PROGRESS_EVERY);
      if (complete || sentProgress == null || !now.isBefore(due)) {
        event(out, cursor, "progress", JobEventJson.progress(progress).put("at", now.toString()));
        sentProgress = progress;
        sentProgressAt = now;
      } else {
        arm(Duration.between(now, due), false);
      }
    }
    if (complete) {
      ended = true;
    }
    return out;
  }

  /**
   * Sets the one timer of this stream unless one is set: a keep-alive (answers a waiting pull with a comment) or a
   * progress that fell due (reads again, which sends it).
   */
  private void arm(Duration after, boolean keepAlive) {
    if (timer >= 0) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, after.toMillis()), id -> context.runOnContext(v -> {
      timer = -1;
      Promise<List<String>> p = waiting;
      if (p == null || closed) {
        woken = !keepAlive || woken; // a read is under way: it reads again before it waits
        return;
      }
      if (keepAlive) {
        waiting = null;
        p.complete(List.of(": keep-alive", ""));
      } else {
        wake();
      }
    }));
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
    watch.close();
    Promise<List<String>> p = waiting;
    waiting = null;
    if (p != null) {
      p.tryComplete(List.of());
    }
  }

  private static void event(List<String> out, JobEventId id, String type, ObjectNode data) {
    out.add("id: " + id);
    out.add("event: " + type);
    out.add("data: " + Json.write(data));
    out.add("");
  }
}
