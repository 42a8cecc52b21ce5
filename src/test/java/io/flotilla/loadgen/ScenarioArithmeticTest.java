package io.flotilla.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ScenarioArithmeticTest {
  @Test
  void devicesPerSecondIsCountOverElapsedTime() {
    assertThat(ScenarioResult.perSecond(10_000, 800_000_000L)).isEqualTo(12_500.0);
    assertThat(ScenarioResult.perSecond(100_000, 3_000_000_000L)).isEqualTo(33_333.3);
    assertThat(ScenarioResult.perSecond(5, 0)).isZero();
    assertThat(ScenarioResult.millis(1_234_567)).isEqualTo(1.2);
  }

  @Test
  void ratioToMosquittoIsOursOverBaseline() {
    assertThat(ScenarioResult.ratio(12_000, 40_000)).isEqualTo(0.3);
    assertThat(ScenarioResult.ratio(1, 3)).isEqualTo(0.333);
    assertThat(ScenarioResult.ratio(1, 0)).isNaN();
  }

  @Test
  void percentilesComeFromTheHistogramInMilliseconds() {
    Histogram h = LatencySummary.newHistogram();
    for (int ms = 1; ms <= 100; ms++) {
      h.recordValue(ms * 1000L);
    }
    LatencySummary s = LatencySummary.of(h);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50()).isBetween(49.9, 50.1);
    assertThat(s.p90()).isBetween(89.9, 90.1);
    assertThat(s.p99()).isBetween(98.9, 99.1);
    assertThat(s.max()).isBetween(99.9, 100.1);
    assertThat(s.mean()).isBetween(50.4, 50.6);
    assertThat(LatencySummary.of(LatencySummary.newHistogram()).count()).isZero();
  }

  @Test
  void commandJobGetsItsRatioAndTheHalfMosquittoCheck() {
    Report report = new Report(new LoadOptions());
    report.add(new ScenarioResult("command-job").put("devices_per_s", 12_000.0));
    report.add(new ScenarioResult("mosquitto-baseline").put("devices_per_s", 30_000.0));
    report.addRatios();
    ScenarioResult command = report.results().get(0);
    assertThat(command.number("ratio_to_mosquitto")).isEqualTo(0.4);
    assertThat(command.checks()).containsEntry(">= 0.5 x Mosquitto relay rate", false);
  }

  @Test
  void aSeriesIsJudgedOnItsMedianAndGetsItsOwnRatio() {
    RunSeries odd = new RunSeries(java.util.List.of(14_000.0, 9_000.0, 18_000.0));
    assertThat(odd.median()).isEqualTo(14_000.0);
    assertThat(odd.min()).isEqualTo(9_000.0);
    assertThat(odd.max()).isEqualTo(18_000.0);
    assertThat(odd.reaching(10_000)).isEqualTo(2);
    assertThat(new RunSeries(java.util.List.of(10_000.0, 13_000.0, 11_000.0, 20_000.0)).median()).isEqualTo(12_000.0);
    assertThat(new RunSeries(java.util.List.of()).median()).isNaN();
    assertThat(new RunSeries(java.util.List.of(0.4981, 0.5034, 0.52)).exactMedian()).isEqualTo(0.5034);

    Report report = new Report(new LoadOptions());
    report.add(new ScenarioResult("command-job").put("devices_per_s", 8_000.0));
    report.add(new ScenarioResult("command-job-series").put("devices_per_s", odd.median()));
    report.add(new ScenarioResult("mosquitto-baseline").put("devices_per_s", 25_000.0));
    report.addRatios();
    assertThat(report.results().get(0).number("ratio_to_mosquitto")).isEqualTo(0.32);
    assertThat(report.results().get(1).number("ratio_to_mosquitto")).isEqualTo(0.56);
    assertThat(report.results().get(1).checks()).containsEntry(">= 0.5 x Mosquitto relay rate", true);
  }

  @Test
  void theTlsRelayGetsItsOwnRatioBesideThePlainOne() {
    Report report = new Report(new LoadOptions());
    report.add(new ScenarioResult("command-job-series").put("devices_per_s", 15_000.0));
    report.add(new ScenarioResult("mosquitto-baseline").put("devices_per_s", 32_000.0)
        .put("devices_per_s_tls", 20_000.0));
    report.addRatios();
    ScenarioResult series = report.results().get(0);
    assertThat(series.number("ratio_to_mosquitto")).isEqualTo(0.469);
    assertThat(series.number("ratio_to_mosquitto_tls")).isEqualTo(0.75);
    assertThat(series.checks()).containsEntry(">= 0.5 x Mosquitto relay rate", false)
        .containsEntry(">= 0.5 x Mosquitto relay rate over MQTT/TLS", true);

    Report plainOnly = new Report(new LoadOptions());
    plainOnly.add(new ScenarioResult("command-job").put("devices_per_s", 15_000.0));
    plainOnly.add(new ScenarioResult("mosquitto-baseline").put("devices_per_s", 20_000.0));
    plainOnly.addRatios();
    assertThat(plainOnly.results().get(0).metrics()).containsKey("ratio_to_mosquitto")
        .doesNotContainKey("ratio_to_mosquitto_tls");
  }

  @Test
  void pairedRelaysAreJudgedPerBrokerOnTheirMedianRatio() {
    LoadOptions options = new LoadOptions();
    options.mosquittoPort = 1883;
    options.mosquittoTlsPort = 8883;
    assertThat(RelayBroker.of(options, null)).as("no TLS relay without a certificate to trust")
        .extracting(RelayBroker::tls).containsExactly(false);
    java.util.List<RelayBroker> both = RelayBroker.of(options, new io.vertx.core.net.PemTrustOptions());
    assertThat(both).extracting(RelayBroker::port).containsExactly(1883, 8883);
    RelayBroker plain = both.get(0);
    RelayBroker tls = both.get(1);

    CommandJobSeries.Pairs plainPairs = new CommandJobSeries.Pairs();
    CommandJobSeries.Pairs tlsPairs = new CommandJobSeries.Pairs();
    double[][] runs = {{15_000, 34_000, 22_000}, {18_000, 30_000, 21_000}, {12_000, 31_000, 25_000}};
    for (double[] run : runs) {
      plainPairs.add(run[0], run[1], 0);
      tlsPairs.add(run[0], run[2], 200);
    }
    ScenarioResult r = new ScenarioResult("command-job-series");
    plainPairs.report(r, plain);
    tlsPairs.report(r, tls);
    // plain ratios 0.441, 0.6, 0.387 -> 0.441; TLS 0.682, 0.857, 0.48 -> 0.682
    assertThat(r.number("paired_ratio_median")).isEqualTo(0.441);
    assertThat(r.number("paired_ratio_median_tls")).isEqualTo(0.682);
    assertThat(r.metrics().get("paired_settle_ms_tls")).isEqualTo(java.util.List.of(200.0, 200.0, 200.0));
    assertThat(r.checks())
        .containsEntry(">= 0.5 x Mosquitto relay rate, plain MQTT (median of paired runs)", false)
        .containsEntry(">= 0.5 x Mosquitto relay rate, MQTT/TLS, like the devices (median of paired runs)", true);
  }

  @Test
  void boundedRunCountsSuccessesAndFailuresAndKeepsGoing() throws Exception {
    int[] inFlight = {0};
    int[] most = {0};
    Bounded.Tally t = Bounded.run(10, 3, i -> {
      most[0] = Math.max(most[0], ++inFlight[0]);
      inFlight[0]--;
      return i % 4 == 0 ? Future.failedFuture("no " + i) : Future.succeededFuture(i);
    }).toCompletionStage().toCompletableFuture().get();
    assertThat(t.ok()).isEqualTo(7);
    assertThat(t.failed()).isEqualTo(3);
    assertThat(t.firstError()).isEqualTo("no 0");
    assertThat(most[0]).isLessThanOrEqualTo(3);
  }

  @Test
  void topicParametersAreReadInAnyOrder() {
    assertThat(io.flotilla.protocol.TopicParameters.get("$iothub/methods/POST/reboot/?$rid=1f", "$rid")).isEqualTo("1f");
    assertThat(io.flotilla.protocol.TopicParameters.get("$iothub/twin/PATCH/properties/desired/?$version=7", "$version"))
        .isEqualTo("7");
    assertThat(io.flotilla.protocol.TopicParameters.get("a/?x=1&$rid=2", "$rid")).isEqualTo("2");
    assertThat(io.flotilla.protocol.TopicParameters.get("a/b", "$rid")).isNull();
  }

  @Test
  void scenarioNamesSelectInRunOrder() {
    assertThat(LoadGenerator.selected("property-job,command-job")).extracting(Scenario::name)
        .containsExactly("property-job", "command-job");
    assertThat(LoadGenerator.selected("all")).extracting(Scenario::name).containsExactly("connect-storm",
        "command-job", "command-job-series", "property-job", "job-devices-paging", "telemetry", "mosquitto-baseline");
  }
}
