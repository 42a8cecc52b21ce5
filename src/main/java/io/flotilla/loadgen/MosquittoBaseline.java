package io.flotilla.loadgen;

import java.util.ArrayList;
import java.util.List;

/**
 * The command-job message pattern through a plain broker ({@link MosquittoRelay}), over plain MQTT and, given a TLS
 * port, over MQTT/TLS like the devices: for each, a warm-up round, then
 * {@code --series-runs} rounds judged on their median (a round lasts well under a second, and a single one swings with
 * whatever else the two cores do in that moment). The relay rate is the baseline for command-job.
 */
public final class MosquittoBaseline implements Scenario {
  @Override
  public String name() {
    return "mosquitto-baseline";
  }

  @Override
  public ScenarioResult run(Rig rig) {
    LoadOptions o = rig.options();
    ScenarioResult r = new ScenarioResult(name());
    List<RelayBroker> brokers = rig.relayBrokers();
    if (brokers.isEmpty()) {
      return r.note("skipped: no --mosquitto-port");
    }
    r.put("devices", o.devices);
    for (RelayBroker broker : brokers) {
      try (MosquittoRelay relay = MosquittoRelay.open(rig, broker)) {
        double warmup = relay.round();
        List<Double> rates = new ArrayList<>();
        for (int round = 0; round < Math.max(1, o.seriesRuns); round++) {
          ConnectStorm.pauseMillis(500);
          rates.add(relay.round());
        }
        RunSeries series = new RunSeries(rates);
        r.put(broker.key("connected"), relay.connected().ok())
            .put(broker.key("connect_ms"), ScenarioResult.millis(relay.connected().nanos()))
            .put(broker.key("warmup_devices_per_s"), warmup).put(broker.key("runs_devices_per_s"), rates)
            .put(broker.key("devices_per_s"), series.median()).put(broker.key("min_devices_per_s"), series.min())
            .put(broker.key("max_devices_per_s"), series.max())
            .put(broker.key("request_arrival_after_first_publish"), relay.lastRoundArrivals())
            .note(broker.key("devices_per_s") + ": " + broker.transport() + ", QoS 0 both ways, no persistence, the "
                + "median of " + rates.size() + " rounds after a warm-up round");
        if (rates.stream().anyMatch(x -> x.isNaN())) {
          r.note(broker.transport() + ": a round lost replies (NaN)");
        }
      }
    }
    return r;
  }
}
