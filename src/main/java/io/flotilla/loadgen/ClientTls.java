package io.flotilla.loadgen;

import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.mqtt.MqttClientOptions;

/** TLS as every load-generator client uses it: the run's trust, no host-name check, OpenSSL when it is present. */
final class ClientTls {
  private ClientTls() {
  }

  static MqttClientOptions apply(MqttClientOptions options, TrustOptions trust) {
    options.setSsl(true).setTrustOptions(trust).setHostnameVerificationAlgorithm("");
    if (OpenSSLEngineOptions.isAvailable()) {
      options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    return options;
  }
}
