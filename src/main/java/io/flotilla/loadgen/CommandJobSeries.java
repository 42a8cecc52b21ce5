package io.flotilla.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code command-job} pattern repeated: {@code --series-warmup} jobs that warm both JVMs' compilers (reported,
 * not judged; the first one of a fresh server is its cold figure), then {@code --series-runs} measured jobs whose
 * median is judged against the target. A server that has run for a while is in the measured state; the cold figure
 * is what the first job after a restart gets.
 */
public final class CommandJobSeries implements Scenario {
  private final CommandJob single = new CommandJob();

  @Override
  public String name() {
    return "command-job-series";
  }

  @Override
  public ScenarioResult run(Rig rig) {
    LoadOptions o = rig.options();
    List<Double> warmup = new ArrayList<>();
    for (int i = 0; i < o.seriesWarmup; i++) {
      warmup.add(single.run(rig).number("devices_per_s"));
    }
    List<Double> measured = new ArrayList<>();
    List<Double> lastMethod = new ArrayList<>();
    List<RelayBroker> brokers = rig.relayBrokers();
    Map<RelayBroker, Pairs> pairs = new LinkedHashMap<>();
    brokers.forEach(b -> pairs.put(b, new Pairs()));
    boolean allCompleted = true;
    // With a broker, each measured job is paired with a Mosquitto relay right after it, under the same conditions
    // (heaps, caches, whatever else the machine does): the ratio is judged per pair, not against one baseline taken
    // minutes apart (single baselines here ranged from 20,000 to 36,000 relays/s). The process cannot hold both
    // fleets' sockets at once (file-descriptor limit), so the device fleet is closed for the relay (a warm-up round,
    // then the measured one) and reconnected by the next job. Each relay round waits for the machine to be quiet first:
    // the server's left-over work (tearing down 10,000 sessions, database housekeeping) is not the broker's cost.
    // Given both, the relay runs over plain MQTT and over MQTT/TLS (the devices' transport), one after the other.
    for (int i = 0; i < o.seriesRuns; i++) {
      ScenarioResult one = single.run(rig);
      double rate = one.number("devices_per_s");
      measured.add(rate);
      lastMethod.add(one.number("last_method_after_put_ms"));
      allCompleted &= Boolean.TRUE.equals(one.checks().get("every device completed"));
      if (!brokers.isEmpty()) {
        Rig.await(rig.fleet().close(o.rampConcurrency));
      }
      for (RelayBroker broker : brokers) {
        try (MosquittoRelay relay = MosquittoRelay.open(rig, broker)) {
          relay.round();
          ConnectStorm.pauseMillis(500);
          pairs.get(broker).add(rate, relay.round(), relay.lastSettleMillis());
        }
      }
    }
    RunSeries series = new RunSeries(measured);
    ScenarioResult r = new ScenarioResult(name()).put("live_devices", rig.fleet().size())
        .put("warmup_devices_per_s", warmup).put("runs_devices_per_s", measured)
        .put("runs_last_method_after_put_ms", lastMethod)
        .put("devices_per_s", series.median()).put("min_devices_per_s", series.min())
        .put("max_devices_per_s", series.max())
        .put("runs_reaching_target", series.reaching(CommandJob.TARGET_DEVICES_PER_S) + " of " + measured.size());
    pairs.forEach((broker, p) -> p.report(r, broker));
    r.check("every device completed in every run", allCompleted);
    r.check("median >= 10,000 devices/s", series.median() >= CommandJob.TARGET_DEVICES_PER_S);
    r.note("devices_per_s is the median of the measured runs, after " + warmup.size() + " warm-up job(s)");
    return r;
  }

  /** The relays paired with the measured jobs on one broker, and each job's ratio to its relay. */
  static final class Pairs {
    private final List<Double> relayed = new ArrayList<>();
    private final List<Double> ratios = new ArrayList<>();
    private final List<Double> settles = new ArrayList<>();

    void add(double jobRate, double relayRate, long settleMillis) {
      relayed.add(relayRate);
      ratios.add(ScenarioResult.ratio(jobRate, relayRate));
      settles.add((double) settleMillis);
    }

    /** The median ratio of the pairs, checked against 0.5. */
    double median() {
      return ScenarioResult.round(new RunSeries(ratios).exactMedian(), 3);
    }

    void report(ScenarioResult r, RelayBroker broker) {
      double median = median();
      r.put(broker.key("paired_mosquitto_devices_per_s"), relayed).put(broker.key("paired_settle_ms"), settles)
          .put(broker.key("paired_ratios"), ratios).put(broker.key("paired_ratio_median"), median);
      r.check(">= 0.5 x Mosquitto relay rate, " + broker.transport() + " (median of paired runs)", median >= 0.5);
    }
  }
}
