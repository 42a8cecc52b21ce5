package io.flotilla.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Many {@link SimulatedClient}s: connected with bounded concurrency, kept open between scenarios, closed together. */
public final class DeviceFleet {
  /** How a connect run went, with each session's CONNECT-to-SUBACK time in microseconds. */
  public record Connected(Bounded.Tally tally, Histogram connectMicros) {
  }

  private final Vertx vertx;
  private final String host;
  private final int[] ports;
  private final java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.Map<SimulatedClient, Integer> portOf = new java.util.concurrent.ConcurrentHashMap<>();
  private final TrustOptions trust;
  private final FleetEvents events;
  private final List<SimulatedClient> live = new ArrayList<>();

  /** @param ports the gateway ports (several nodes') that devices are spread over in turn */
  public DeviceFleet(Vertx vertx, String host, int[] ports, TrustOptions trust, FleetEvents events) {
    this.vertx = vertx;
    this.host = host;
    this.ports = ports.clone();
    this.trust = trust;
    this.events = events;
  }

  public FleetEvents events() {
    return events;
  }

  public synchronized int size() {
    return live.size();
  }

  public synchronized List<SimulatedClient> clients() {
    return List.copyOf(live);
  }

  /** Opens one session per device, at most {@code concurrency} handshakes at a time. */
  public Future<Connected> connect(List<DeviceIdentity> devices, int concurrency) {
    Histogram micros = new ConcurrentHistogram(1, 600_000_000L, 3);
    return Bounded.run(devices.size(), concurrency, i -> open(devices.get(i), micros))
        .map(t -> new Connected(t, micros));
  }

  /**
   * Opens one session per device, device {@code i} starting its connection {@code offsetNanos(i)} after this call
   * (arrivals spread out over time, not a storm); the tally's time runs until the last one is subscribed.
   */
  public Future<Connected> connectAt(List<DeviceIdentity> devices, IntToLongFunction offsetNanos) {
    Histogram micros = new ConcurrentHistogram(1, 600_000_000L, 3);
    long start = System.nanoTime();
    return Bounded.run(devices.size(), devices.size(), i -> {
      long delayMs = Math.max(1, (start + offsetNanos.applyAsLong(i) - System.nanoTime()) / 1_000_000);
      Promise<Void> due = Promise.promise();
      vertx.setTimer(delayMs, t -> due.complete());
      return due.future().compose(v -> open(devices.get(i), micros));
    }).map(t -> new Connected(t, micros));
  }

  private Future<Void> open(DeviceIdentity device, Histogram micros) {
    return open(device, micros, ports[Math.floorMod(turn.getAndIncrement(), ports.length)]);
  }

  private Future<Void> open(DeviceIdentity device, Histogram micros, int port) {
    SimulatedClient c = new SimulatedClient(vertx, device, host, trust, events);
    long start = System.nanoTime();
    return c.connect(host, port).onSuccess(v -> {
      micros.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
      synchronized (this) {
        live.add(c);
      }
      portOf.put(c, port);
    }).onFailure(e -> c.disconnect());
  }

  /** The sessions opened to {@code port}. */
  public synchronized List<SimulatedClient> clientsOn(int port) {
    return live.stream().filter(c -> Integer.valueOf(port).equals(portOf.get(c))).toList();
  }

  /**
   * The sessions of a node that is gone reconnect to the other ports in turn (what a load balancer does when a client
   * retries), at most {@code concurrency} at a time; the tally counts the reconnected ones.
   */
  public Future<Connected> reconnectAway(int deadPort, List<DeviceIdentity> devices, int concurrency) {
    List<SimulatedClient> dead = clientsOn(deadPort);
    java.util.Set<String> moving = new java.util.HashSet<>();
    synchronized (this) {
      live.removeAll(dead);
    }
    dead.forEach(c -> {
      portOf.remove(c);
      moving.add(c.deviceId());
      c.disconnect();
    });
    int[] survivors = java.util.Arrays.stream(ports).filter(p -> p != deadPort).toArray();
    List<DeviceIdentity> again = devices.stream().filter(d -> moving.contains(d.id())).toList();
    Histogram micros = new ConcurrentHistogram(1, 600_000_000L, 3);
    return Bounded.run(again.size(), concurrency, i -> open(again.get(i), micros,
        survivors[Math.floorMod(i, survivors.length)])).map(t -> new Connected(t, micros));
  }

  public void startTelemetry(long intervalMs) {
    clients().forEach(c -> c.startTelemetry(intervalMs));
  }

  public void stopTelemetry() {
    clients().forEach(SimulatedClient::stopTelemetry);
  }

  /** Disconnects every session. */
  public Future<Bounded.Tally> close(int concurrency) {
    List<SimulatedClient> all;
    synchronized (this) {
      all = List.copyOf(live);
      live.clear();
    }
    return Bounded.run(all.size(), concurrency, i -> all.get(i).disconnect());
  }
}
