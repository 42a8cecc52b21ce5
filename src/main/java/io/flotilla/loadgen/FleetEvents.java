package io.flotilla.loadgen;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the simulated devices observe, recorded from any event loop: when each method request and desired-property
 * patch arrived (relative to {@link #mark()}), telemetry PUBACK latencies, and unexpected disconnects.
 */
public final class FleetEvents {
  private volatile long mark = System.nanoTime();
  private volatile Histogram methodArrivals = histogram();
  private volatile Histogram desiredArrivals = histogram();
  private volatile Histogram telemetryAcks = histogram();
  private final AtomicLong lastMethodArrival = new AtomicLong();
  private final AtomicLong lastDesiredArrival = new AtomicLong();
  private final LongAdder methods = new LongAdder();
  private final LongAdder desired = new LongAdder();
  private final LongAdder acks = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  private static Histogram histogram() {
    Histogram h = new ConcurrentHistogram(1, 600_000_000L, 3);
    return h;
  }

  /** Starts a measurement: arrival times count from now and every counter restarts at zero. */
  public synchronized long mark() {
    methodArrivals = histogram();
    desiredArrivals = histogram();
    telemetryAcks = histogram();
    methods.reset();
    desired.reset();
    acks.reset();
    lastMethodArrival.set(0);
    lastDesiredArrival.set(0);
    mark = System.nanoTime();
    return mark;
  }

  public long markNanos() {
    return mark;
  }

  void methodArrived() {
    long now = System.nanoTime();
    methodArrivals.recordValue(Math.max(1, (now - mark) / 1000));
    lastMethodArrival.accumulateAndGet(now, Math::max);
    methods.increment();
  }

  void desiredArrived() {
    long now = System.nanoTime();
    desiredArrivals.recordValue(Math.max(1, (now - mark) / 1000));
    lastDesiredArrival.accumulateAndGet(now, Math::max);
    desired.increment();
  }

  void telemetryAcked(long latencyNanos) {
    telemetryAcks.recordValue(Math.max(1, latencyNanos / 1000));
    acks.increment();
  }

  void sessionDropped() {
    dropped.increment();
  }

  /**
   * Microseconds from the mark to each method request's arrival, as recorded so far (a copy: devices may still be
   * recording, and reading the live histogram while they do fails).
   */
  public Histogram methodArrivals() {
    return methodArrivals.copy();
  }

  /** Microseconds from the mark to each desired-property push's arrival, as recorded so far (a copy). */
  public Histogram desiredArrivals() {
    return desiredArrivals.copy();
  }

  /** Each telemetry message's PUBACK latency, as recorded so far (a copy). */
  public Histogram telemetryAcks() {
    return telemetryAcks.copy();
  }

  public long methods() {
    return methods.sum();
  }

  public long desired() {
    return desired.sum();
  }

  public long acks() {
    return acks.sum();
  }

  public long dropped() {
    return dropped.sum();
  }

  /** Nanoseconds from the mark to the last method request seen; 0 when none arrived. */
  public long lastMethodAfterMark() {
    long last = lastMethodArrival.get();
    return last == 0 ? 0 : last - mark;
  }

  public long lastDesiredAfterMark() {
    long last = lastDesiredArrival.get();
    return last == 0 ? 0 : last - mark;
  }
}
