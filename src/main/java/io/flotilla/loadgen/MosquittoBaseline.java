package io.flotilla.loadgen;

import java.util.ArrayList;
import java.util.List;

/**
 * The command-job message pattern through a plain broker ({@link MosquittoRelay}): a warm-up round, then
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
    if (o.mosquittoPort <= 0) {
      return r.note("skipped: no --mosquitto-port");
    }
    try (MosquittoRelay relay = MosquittoRelay.open(rig)) {
      double warmup = relay.round();
      List<Double> rates = new ArrayList<>();
      for (int round = 0; round < Math.max(1, o.seriesRuns); round++) {
        ConnectStorm.pauseMillis(500);
        rates.add(relay.round());
      }
      RunSeries series = new RunSeries(rates);
      r.put("devices", o.devices).put("connected", relay.connected().ok())
          .put("connect_ms", ScenarioResult.millis(relay.connected().nanos()))
          .put("warmup_devices_per_s", warmup).put("runs_devices_per_s", rates)
          .put("devices_per_s", series.median()).put("min_devices_per_s", series.min())
          .put("max_devices_per_s", series.max())
          .put("request_arrival_after_first_publish", relay.lastRoundArrivals())
          .note("plain MQTT (no TLS), QoS 0 both ways, no persistence: a pure relay")
          .note("devices_per_s is the median of " + rates.size() + " rounds after a warm-up round");
      if (rates.stream().anyMatch(x -> x.isNaN())) {
        r.note("a round lost replies (NaN)");
      }
    }
    return r;
  }
}
