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
        "command-job", "command-job-series", "command-job-wait", "property-job", "job-devices-paging", "telemetry",
        "mosquitto-baseline");
    assertThat(LoadGenerator.selected("failover")).extracting(Scenario::name).containsExactly("failover");
  }

  @Test
  void lateDevicesAreTheGivenShareEvenlyInterleaved() {
    java.util.List<Integer> half = java.util.stream.IntStream.range(0, 10).filter(i -> CommandJobWait.late(i, 50))
        .boxed().toList();
    assertThat(half).containsExactly(1, 3, 5, 7, 9);
    assertThat(java.util.stream.IntStream.range(0, 10_000).filter(i -> CommandJobWait.late(i, 50)).count())
        .isEqualTo(5_000);
    assertThat(java.util.stream.IntStream.range(0, 1_000).filter(i -> CommandJobWait.late(i, 30)).count())
        .isEqualTo(300);
    assertThat(java.util.stream.IntStream.range(0, 7).filter(i -> CommandJobWait.late(i, 0)).count()).isZero();
    assertThat(java.util.stream.IntStream.range(0, 7).filter(i -> CommandJobWait.late(i, 100)).count()).isEqualTo(7);
  }

  @Test
  void lateConnectsAreSpreadEvenlyOverTheWindowFirstAtOnce() {
    long window = 10_000_000_000L;
    assertThat(CommandJobWait.offsetNanos(0, 5_000, window)).isZero();
    assertThat(CommandJobWait.offsetNanos(1, 5_000, window)).isEqualTo(2_000_000L);
    assertThat(CommandJobWait.offsetNanos(2_500, 5_000, window)).isEqualTo(5_000_000_000L);
    assertThat(CommandJobWait.offsetNanos(4_999, 5_000, window)).isEqualTo(9_998_000_000L);
    assertThat(CommandJobWait.offsetNanos(0, 0, window)).isZero();
  }

  @Test
  void heapPerWaitingDeviceIsTheGrowthOverTheWaitingDevicesInKb() {
    assertThat(CommandJobWait.kbPerDevice(300L << 20, (300L << 20) + 5_000 * 1_536L, 5_000)).isEqualTo(1.5);
    assertThat(CommandJobWait.kbPerDevice(100_000, 100_000 + 3 * 1_000, 3)).isEqualTo(0.98);
    assertThat(CommandJobWait.kbPerDevice(200, 100, 1)).isNegative();
    assertThat(CommandJobWait.kbPerDevice(1, 2, 0)).isNaN();
    assertThat(CommandJobWait.meetsHeapTarget(1.5)).isTrue();
    assertThat(CommandJobWait.meetsHeapTarget(2.0)).isTrue();
    assertThat(CommandJobWait.meetsHeapTarget(2.01)).isFalse();
    assertThat(CommandJobWait.meetsHeapTarget(-7.67)).as("a heap that shrank is no reading").isFalse();
    assertThat(CommandJobWait.meetsHeapTarget(Double.NaN)).isFalse();
  }

  @Test
  void reachIsEachDevicesOwnTimeFromItsAcknowledgementToItsCommand() {
    long t = 1_000_000_000L;
    long[] suback = {t, t + 5_000_000, t + 9_000_000, 0, t};
    long[] method = {t + 20_000_000, t + 5_000_000 + 300_000_000, 0, t, t - 1_000};
    CommandJobWait.Reach r = CommandJobWait.Reach.of(suback, method);
    assertThat(r.missing()).as("one never got its command, one never subscribed").isEqualTo(2);
    assertThat(r.early()).isEqualTo(1);
    LatencySummary s = LatencySummary.of(r.micros());
    assertThat(s.count()).isEqualTo(3);
    assertThat(s.max()).isBetween(299.9, 300.1);
    assertThat(s.p50()).isBetween(19.9, 20.1);
    assertThat(r.micros().getMinValue()).as("early counts as (at least) 1 us").isLessThanOrEqualTo(1);
  }

  @Test
  void waitingDevicesArePendingWithANextAttempt() {
    io.vertx.core.json.JsonObject page = new io.vertx.core.json.JsonObject("""
        {"value": [
          {"id": "a", "status": "pending", "attempts": [], "nextAttempt": "2026-11-28T10:05:00Z"},
          {"id": "b", "status": "pending", "attempts": []},
          {"id": "c", "status": "completed", "responseCode": 200, "attempts": [{"n": 1}]},
          {"id": "d", "status": "pending", "attempts": [], "nextAttempt": "2026-11-28T10:05:00Z"}
        ], "nextLink": null}""");
    assertThat(CommandJobWait.waiting(page, java.util.Set.of("a", "b", "c"))).isEqualTo(1);
    assertThat(CommandJobWait.waiting(page, java.util.Set.of("a", "d"))).isEqualTo(2);
    assertThat(CommandJobWait.waiting(new io.vertx.core.json.JsonObject(), java.util.Set.of("a"))).isZero();
  }

  @Test
  void jobDeviceResultsReadTheCsvWithQuotedMessages() {
    String csv = """
        id,status,errorCode,errorMessage,responseCode,updatedAt,attempts
        lg-live-000000,completed,,,200,2026-11-28T10:00:01.500Z,1
        lg-live-000001,completed,,,200,2026-11-28T10:00:12.250Z,2
        lg-live-000002,pending,,,,,1
        lg-live-000003,failed,DeviceNotOnline,"The device did not connect, ""in time"".",,2026-11-28T10:05:00Z,1
        lg-live-000004,pending,,,,,0
        lg-live-000000,completed,,,200,2026-11-28T10:00:01.500Z,1
        """;
    JobDeviceResults r = JobDeviceResults.parse(csv);
    assertThat(r.size()).isEqualTo(5);
    assertThat(r.duplicateRows()).isEqualTo(1);
    assertThat(r.completedWith(200)).isEqualTo(2);
    assertThat(r.statuses()).containsEntry("completed", 2).containsEntry("pending", 2).containsEntry("failed", 1);
    assertThat(r.failures()).containsExactly(java.util.Map.entry("DeviceNotOnline", 1));
    assertThat(r.attempts()).containsExactly(java.util.Map.entry("0", 1), java.util.Map.entry("1", 3),
        java.util.Map.entry("2", 1));
    assertThat(r.lastUpdated()).isEqualTo(java.time.Instant.parse("2026-11-28T10:05:00Z"));
    assertThat(r.row("lg-live-000003").errorCode()).isEqualTo("DeviceNotOnline");
    assertThat(JobDeviceResults.records("a,\"b\r\nc\",d\r\n")).containsExactly(java.util.List.of("a", "b\r\nc", "d"));
    assertThat(JobDeviceResults.parse("id,status,errorCode,errorMessage,responseCode,updatedAt,attempts\n").size())
        .isZero();
  }
}
