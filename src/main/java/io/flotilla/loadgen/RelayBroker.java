package io.flotilla.loadgen;

import io.vertx.core.net.TrustOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * A baseline broker for {@link MosquittoRelay}: plain MQTT, or MQTT over TLS trusted like the devices trust Flotilla
 * ({@code --ca}), so the relay can carry the command-job pattern over the same transport as the devices do.
 */
record RelayBroker(String host, int port, TrustOptions trust) {
  /** The brokers this run was given: plain ({@code --mosquitto-port}), then TLS ({@code --mosquitto-tls-port}). */
  static List<RelayBroker> of(LoadOptions options, TrustOptions trust) {
    List<RelayBroker> brokers = new ArrayList<>();
    if (options.mosquittoPort > 0) {
      brokers.add(new RelayBroker(options.mosquittoHost, options.mosquittoPort, null));
    }
    if (options.mosquittoTlsPort > 0 && trust != null) {
      brokers.add(new RelayBroker(options.mosquittoHost, options.mosquittoTlsPort, trust));
    }
    return brokers;
  }

  boolean tls() {
    return trust != null;
  }

  /** {@code base} for the plain broker (the keys earlier result files used), {@code base_tls} for the TLS one. */
  String key(String base) {
    return tls() ? base + "_tls" : base;
  }

  String transport() {
    return tls() ? "MQTT/TLS, like the devices" : "plain MQTT";
  }
}
