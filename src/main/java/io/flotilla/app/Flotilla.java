package io.flotilla.app;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;

/** A running server. {@link #start} blocks until it listens; {@link #close} stops it. */
public final class Flotilla implements AutoCloseable {
  private final Vertx vertx;
  private final Wiring wiring;

  private Flotilla(Vertx vertx, Wiring wiring) {
    this.vertx = vertx;
    this.wiring = wiring;
  }

  public static Flotilla start(Config config) {
    return start(config, Clock.systemUTC());
  }

  /** Starts a server whose time (token and SAS expiry, job and schedule times, timestamps) comes from {@code clock}. */
  public static Flotilla start(Config config, Clock clock) {
    return start(config, clock, io.flotilla.cluster.ClusterSettings.OFF);
  }

  /** As {@link #start(Config, Clock)}, joining the cluster {@code cluster} describes (if it is enabled). */
  public static Flotilla start(Config config, Clock clock, io.flotilla.cluster.ClusterSettings cluster) {
    io.flotilla.cluster.ClusterNode node = ClusterWiring.join(cluster, config);
    Vertx vertx = node != null ? node.vertx() : Vertx.vertx();
    try {
      Wiring wiring = Wiring.start(vertx, config, clock, node, cluster);
      return new Flotilla(vertx, wiring);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  public int httpPort() {
    return wiring.httpPort();
  }

  public int mqttPort() {
    return wiring.mqttPort();
  }

  public Map<String, Integer> ports() {
    return Map.of("http", httpPort(), "mqtt", mqttPort());
  }

  /** The full {@code Authorization} header value of the administrator token created at first start. */
  public String adminToken() {
    return wiring.adminToken();
  }

  public Wiring wiring() {
    return wiring;
  }

  @Override
  public void close() {
    wiring.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
