package io.flotilla.gateway.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/** The gateway's meters; never tagged with device ids. */
public final class GatewayMetrics {
  final Counter telemetryMessages;
  final Counter methodsInvoked;
  final Counter connectsAccepted;
  final Counter connectsRefused;
  final Counter registrations;

  public GatewayMetrics(MeterRegistry registry) {
    telemetryMessages = Counter.builder("flotilla.mqtt.telemetry.messages")
        .description("Telemetry messages received from devices").register(registry);
    methodsInvoked = Counter.builder("flotilla.mqtt.methods.invoked")
        .description("Direct method requests sent to devices").register(registry);
    connectsAccepted = Counter.builder("flotilla.mqtt.connects").tag("result", "accepted")
        .description("MQTT CONNECTs").register(registry);
    connectsRefused = Counter.builder("flotilla.mqtt.connects").tag("result", "refused")
        .description("MQTT CONNECTs").register(registry);
    registrations = Counter.builder("flotilla.dps.registrations")
        .description("DPS registrations completed").register(registry);
  }

  void sessions(MeterRegistry registry, IntSupplier count) {
    Gauge.builder("flotilla.mqtt.sessions", count::getAsInt).description("Connected device sessions")
        .register(registry);
  }
}
