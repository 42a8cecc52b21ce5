package io.flotilla.domain.export;

import io.flotilla.domain.job.JobEventJson;
import io.flotilla.domain.job.JobEvents;
import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox (docs/api.md "Data export"): one lane per destination reads its due messages oldest first, posts
 * up to {@link Limits#perDestination} at once (and {@link Limits#total} across lanes), deletes what the destination
 * took and, when an attempt fails, retries it with exponential backoff while the whole lane waits (a receiver that is
 * down is tried again, not hammered; the others go on). Nothing here holds up the work that queued the messages: a
 * receiver that never answers only fills its own lane, whose posts time out. Woken when messages were committed, and
 * ticked for retries that fell due.
 */
public final class ExportDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ExportDispatcher.class);

  /** Posts in flight per destination and in all; messages read per lane at a time; the retry backoff. */
  public record Limits(int perDestination, int total, int batch, Duration firstRetry, Duration maxRetry) {
    public static final Limits DEFAULT = new Limits(4, 32, 64, Duration.ofSeconds(1), Duration.ofMinutes(5));
  }

  private final ExportOutbox outbox;
  private final ExportRepository repository;
  private final DataExports exports;
  private final JobEvents jobEvents;
  private final WebhookSender sender;
  private final Clock clock;
  private final Limits limits;
  private final ExportHealth health = new ExportHealth();
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Map<String, ExportDestination> destinations = Map.of();
  private volatile boolean stopped;
  private volatile Predicate<String> delivers = destinationId -> true;

  /** A destination's deliveries; guarded by itself. */
  private static final class Lane {
    final String destinationId;
    boolean reading;
    /** A wake-up came while reading: read again (the read may have missed what it announced). */
    boolean again;
    Instant pausedUntil = Instant.MIN;
    final Set<Long> sending = new HashSet<>();
    final Deque<ExportOutbox.Delivery> queue = new ArrayDeque<>();
    final List<Long> delivered = new ArrayList<>();

    Lane(String destinationId) {
      this.destinationId = destinationId;
    }
  }

  public ExportDispatcher(ExportOutbox outbox, ExportRepository repository, DataExports exports, JobEvents jobEvents,
                          WebhookSender sender, Clock clock, Limits limits) {
    this.outbox = outbox;
    this.repository = repository;
    this.exports = exports;
    this.jobEvents = jobEvents;
    this.sender = sender;
    this.clock = clock;
    this.limits = limits;
  }

  public ExportHealth health() {
    return health;
  }

  /** Posts in flight now. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Reads the destinations again (after any change); lanes of deleted ones go, new ones look at once for what is queued
   * (after a restart: everything not delivered before it).
   */
  public Future<Void> reload() {
    return repository.allDestinations().map(list -> {
      Map<String, ExportDestination> next = new LinkedHashMap<>();
      list.forEach(d -> next.put(d.id(), d));
      destinations = Map.copyOf(next);
      lanes.keySet().removeIf(id -> !next.containsKey(id));
      List<Lane> added = new ArrayList<>();
      next.keySet().forEach(id -> lanes.computeIfAbsent(id, k -> {
        Lane lane = new Lane(k);
        added.add(lane);
        return lane;
      }));
      if (!stopped) {
        added.forEach(this::pump);
      }
      return null;
    });
  }

  /**
   * Delivers only to the destinations {@code mine} accepts (with several nodes each destination is one node's, so a
   * message is not posted by two at once); the others' lanes stay idle here.
   */
  public void deliverOnly(Predicate<String> mine) {
    this.delivers = mine;
  }

  /** A deleted export or destination: its health goes. */
  void forget(String exportId, String destinationId) {
    health.forget(exportId, destinationId);
  }

  /** New messages were committed: every lane looks. */
  public void wake() {
    if (!stopped) {
      lanes.values().forEach(this::pump);
    }
  }

  /** Called periodically: lanes whose retry fell due go on (idle lanes cost nothing). */
  public void tick() {
    if (stopped) {
      return;
    }
    Instant now = clock.instant();
    for (Lane lane : lanes.values()) {
      boolean due;
      synchronized (lane) {
        due = !Instant.MIN.equals(lane.pausedUntil) && !now.isBefore(lane.pausedUntil);
      }
      if (due) {
        pump(lane);
      }
    }
  }

  /** Stops starting posts (those in flight finish). */
  public void stop() {
    stopped = true;
  }

  private void pump(Lane lane) {
    if (!delivers.test(lane.destinationId)) {
      return;
    }
    List<Long> delete;
    List<Long> excluded;
    synchronized (lane) {
      if (lane.reading) {
        lane.again = true;
        return;
      }
      if (clock.instant().isBefore(lane.pausedUntil)) {
        return;
      }
      lane.pausedUntil = Instant.MIN;
      sendQueued(lane);
      if (!lane.queue.isEmpty() || lane.sending.size() >= limits.perDestination()) {
        return;
      }
      lane.reading = true;
      delete = new ArrayList<>(lane.delivered);
      lane.delivered.clear();
      excluded = new ArrayList<>(lane.sending);
    }
    Future<Void> deleted = delete.isEmpty() ? Future.succeededFuture() : outbox.delivered(delete);
    deleted.compose(v -> outbox.due(lane.destinationId, clock.instant(), limits.batch(), excluded))
        .onComplete(ar -> {
          boolean again;
          synchronized (lane) {
            lane.reading = false;
            again = lane.again;
            lane.again = false;
            if (ar.failed()) {
              lane.delivered.addAll(delete);
              LOG.warn("Data export to {}: reading the outbox failed: {}", lane.destinationId, ar.cause().toString());
              return;
            }
            for (ExportOutbox.Delivery d : ar.result()) {
              if (!lane.sending.contains(d.id())) {
                lane.queue.add(d);
              }
            }
            sendQueued(lane);
          }
          if (again) {
            pump(lane);
          }
        });
  }

  /** Starts posts from the lane's queue while it and the dispatcher have room; caller holds the lane. */
  private void sendQueued(Lane lane) {
    while (!stopped && !lane.queue.isEmpty() && lane.sending.size() < limits.perDestination()
        && !clock.instant().isBefore(lane.pausedUntil)) {
      int n = inFlight.incrementAndGet();
      if (n > limits.total()) {
        inFlight.decrementAndGet();
        return;
      }
      ExportOutbox.Delivery d = lane.queue.poll();
      lane.sending.add(d.id());
      send(lane, d);
    }
  }

  private void send(Lane lane, ExportOutbox.Delivery d) {
    ExportDestination destination = destinations.get(d.destinationId());
    Future<String> body = d.body() != null ? Future.succeededFuture(d.body())
        : jobEvents.entry(d.jobId(), d.jobEntry()).map(events -> events.isEmpty() ? null
            : exports.jobMessage(d.exportId(), d.jobId(), d.created(), events, JobEventJson::of));
    body.compose(b -> {
      if (destination == null || b == null) {
        return Future.succeededFuture(204); // nowhere to go, or nothing to say: done
      }
      return sender.post(url(destination), headers(destination, d, b), b);
    }).onComplete(ar -> {
      inFlight.decrementAndGet();
      Instant now = clock.instant();
      boolean ok = ar.succeeded() && ar.result() >= 200 && ar.result() < 300;
      synchronized (lane) {
        lane.sending.remove(d.id());
        if (ok) {
          lane.delivered.add(d.id());
        } else {
          lane.queue.clear(); // the lane waits; what it had read is read again when it goes on
        }
      }
      if (ok) {
        health.delivered(d.exportId(), d.destinationId(), now);
        pump(lane);
        return;
      }
      int attempts = d.attempts() + 1;
      Instant next = now.plus(backoff(attempts));
      String error = ar.succeeded() ? "HTTP " + ar.result() : String.valueOf(ar.cause().getMessage());
      synchronized (lane) {
        if (next.isAfter(lane.pausedUntil)) {
          lane.pausedUntil = next;
        }
      }
      health.failed(d.exportId(), d.destinationId(), now, new ExportHealth.Error(
          ar.succeeded() ? "DestinationRejected" : "DestinationUnreachable",
          "Delivery to " + (destination == null ? d.destinationId() : destination.url()) + " failed (" + error
              + "); retried from " + next + "."));
      outbox.failed(d.id(), attempts, next, error).onFailure(e -> LOG.warn("Data export: recording a failed "
          + "delivery failed: {}", e.toString()));
    });
  }

  /** {@code firstRetry} doubled per failed attempt, at most {@code maxRetry}. */
  Duration backoff(int attempts) {
    Duration d = limits.firstRetry().multipliedBy(1L << Math.min(30, Math.max(0, attempts - 1)));
    return d.compareTo(limits.maxRetry()) > 0 || d.isNegative() ? limits.maxRetry() : d;
  }

  static String url(ExportDestination d) {
    if (d.queryCustomizations().isEmpty()) {
      return d.url();
    }
    StringBuilder out = new StringBuilder(d.url());
    char sep = d.url().contains("?") ? '&' : '?';
    for (Map.Entry<String, ExportDestination.Customization> q : new java.util.TreeMap<>(d.queryCustomizations())
        .entrySet()) {
      out.append(sep).append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(q.getValue().value(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return out.toString();
  }

  static Map<String, String> headers(ExportDestination d, ExportOutbox.Delivery delivery, String body) {
    Map<String, String> h = new HashMap<>();
    d.headerCustomizations().forEach((name, c) -> h.put(name, c.value()));
    if ("header".equals(d.authorization().type())) {
      h.put("Authorization", d.authorization().value());
    }
    h.put("content-type", "application/json; charset=utf-8");
    h.put(Signatures.HEADER, Signatures.sign(d.signingSecret(), body));
    h.put("x-flotilla-delivery-id", Long.toString(delivery.id()));
    h.put("x-flotilla-export-id", delivery.exportId());
    return h;
  }
}
