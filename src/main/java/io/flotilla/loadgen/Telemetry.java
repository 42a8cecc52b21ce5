package io.flotilla.loadgen;

/** Every live device sends QoS 1 telemetry for --telemetry-seconds; counts PUBACKs (messages the server accepted). */
public final class Telemetry implements Scenario {
  @Override
  public String name() {
    return "telemetry";
  }

  @Override
  public ScenarioResult run(Rig rig) {
    rig.connectFleet(rig.options().rampConcurrency);
    DeviceFleet fleet = rig.fleet();
    FleetEvents events = fleet.events();
    long start = events.mark();
    fleet.startTelemetry(rig.options().telemetryIntervalMs);
    ConnectStorm.pause(rig.options().telemetrySeconds);
    long acked = events.acks();
    long elapsed = System.nanoTime() - start;
    fleet.stopTelemetry();
    ConnectStorm.pause(1);
    return new ScenarioResult(name()).put("devices", fleet.size())
        .put("interval_ms", rig.options().telemetryIntervalMs)
        .put("seconds", ScenarioResult.round(elapsed / 1e9, 2)).put("messages_acked", acked)
        .put("messages_per_s", ScenarioResult.perSecond(acked, elapsed))
        .put("puback_latency", LatencySummary.of(events.telemetryAcks()))
        .put("dropped_sessions", events.dropped())
        .note("closed loop: each device keeps one QoS 1 message in flight");
  }
}
