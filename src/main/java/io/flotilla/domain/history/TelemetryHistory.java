package io.flotilla.domain.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.TelemetryArchive;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The telemetry history's writer: messages wait in a bounded queue and reach the repository in batches, one batch in
 * flight at a time ({@link #flush}, called by a timer and whenever a batch is full). When the queue is full, a message
 * that may wait (QoS 1) is held until a batch is written — its PUBACK with it, which slows the device down — and one
 * that may not (QoS 0) is dropped and counted. A batch the database refuses is kept and written again on the next
 * flush. {@link #maintain} creates the partitions of today and tomorrow and drops whole days past the retention.
 */
public final class TelemetryHistory implements TelemetryArchive {

  /**
   * @param capacity   messages queued or being written before new ones wait
   * @param batch      the most messages in one write
   * @param maxWaiting messages held waiting for room before further ones are refused
   */
  public record Limits(int capacity, int batch, int maxWaiting) {
    public static final Limits DEFAULT = new Limits(100_000, 5_000, 100_000);
  }

  private record Waiting(TelemetryMessage message, Promise<Void> admitted) {
  }

  private final HistoryRepository repository;
  private final Clock clock;
  private final Duration retention;
  private final Limits limits;
  private final ArrayDeque<TelemetryMessage> queue = new ArrayDeque<>();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  /** A batch the database refused, written again first. */
  private List<TelemetryMessage> unwritten = List.of();
  /** Messages taken from the queue and not yet written (the batch being written, or the refused one). */
  private int inFlight;

  public TelemetryHistory(HistoryRepository repository, Clock clock, Duration retention, Limits limits) {
    if (retention.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException("The telemetry retention is at least one day: " + retention);
    }
    this.repository = repository;
    this.clock = clock;
    this.retention = retention;
    this.limits = limits;
  }

  public Duration retention() {
    return retention;
  }

  @Override
  public Future<Void> store(String deviceId, String component, ObjectNode values, Instant at, boolean mayWait) {
    TelemetryMessage m = new TelemetryMessage(deviceId, component, kept(at), values);
    int queued;
    Promise<Void> admitted = null;
    synchronized (this) {
      if (waiting.isEmpty() && queue.size() + inFlight < limits.capacity()) {
        queue.add(m);
        queued = queue.size();
      } else if (!mayWait) {
        dropped.incrementAndGet();
        return Future.succeededFuture();
      } else if (waiting.size() >= limits.maxWaiting()) {
        return Future.failedFuture(new FlotillaException.Unavailable(
            "The telemetry history is full; the message is not acknowledged."));
      } else {
        admitted = Promise.promise();
        waiting.add(new Waiting(m, admitted));
        queued = 0;
      }
    }
    if (queued >= limits.batch()) {
      flush();
    }
    return admitted == null ? Future.succeededFuture() : admitted.future();
  }

  /**
   * The time a message is kept under: its own, unless that lies before the retention or more than a day ahead
   * (a device's clock gone wrong), then the time it arrived — so every message lands in a partition that exists.
   */
  private Instant kept(Instant at) {
    Instant now = clock.instant();
    if (at == null || at.isBefore(now.minus(retention)) || at.isAfter(now.plus(Duration.ofDays(1)))) {
      return now;
    }
    return at;
  }

  /**
   * Writes the next batch (the one refused last time first) unless one is being written; continues while full
   * batches are queued. Fails when the database refuses the batch (kept for the next call).
   */
  public Future<Void> flush() {
    if (!writing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    List<TelemetryMessage> batch;
    synchronized (this) {
      if (!unwritten.isEmpty()) {
        batch = unwritten;
        unwritten = List.of();
      } else {
        batch = new ArrayList<>(Math.min(queue.size(), limits.batch()));
        while (batch.size() < limits.batch() && !queue.isEmpty()) {
          batch.add(queue.poll());
        }
        inFlight = batch.size();
      }
    }
    if (batch.isEmpty()) {
      writing.set(false);
      return Future.succeededFuture();
    }
    return repository.append(batch).transform(ar -> {
      List<Promise<Void>> admitted = new ArrayList<>();
      boolean more;
      synchronized (this) {
        if (ar.failed()) {
          unwritten = batch;
        } else {
          inFlight = 0;
          stored.addAndGet(batch.size());
          while (!waiting.isEmpty() && queue.size() < limits.capacity()) {
            Waiting w = waiting.poll();
            queue.add(w.message());
            admitted.add(w.admitted());
          }
        }
        more = ar.succeeded() && queue.size() >= limits.batch();
      }
      writing.set(false);
      admitted.forEach(Promise::complete);
      if (ar.failed()) {
        return Future.failedFuture(ar.cause());
      }
      return more ? flush() : Future.succeededFuture();
    });
  }

  /** Writes everything queued (at shutdown); fails when the database refuses a batch. */
  public Future<Void> drain() {
    return flush().compose(v -> pending() == 0 ? Future.succeededFuture() : drain());
  }

  /**
   * Creates the partitions of today and tomorrow and drops the days that lie wholly before the retention (a day
   * goes once its last microsecond is older than the retention). Answers the days dropped.
   */
  public Future<List<LocalDate>> maintain() {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate oldestKept = LocalDate.ofInstant(now.minus(retention), ZoneOffset.UTC);
    return repository.prepare(today, today.plusDays(1)).compose(v -> repository.dropBefore(oldestKept));
  }

  /** Messages queued, being written or waiting for room. */
  public synchronized int pending() {
    return queue.size() + waiting.size() + inFlight;
  }

  /** Messages written since start. */
  public long stored() {
    return stored.get();
  }

  /** QoS 0 messages dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }
}
