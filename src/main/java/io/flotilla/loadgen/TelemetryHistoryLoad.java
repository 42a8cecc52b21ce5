package io.flotilla.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The telemetry history under a fleet's load: every live device sends one QoS 1 message a second (closed loop, the
 * next one a second after the PUBACK; {@code --telemetry-interval-ms} changes the pause) for
 * {@code --telemetry-seconds}, while a direct command goes to a live device every two seconds. Then it waits until
 * the history holds every acknowledged message (counted with the query API) and times two queries: one device's
 * last day of records, and a 5-minute aggregate over the whole fleet.
 */
public final class TelemetryHistoryLoad implements Scenario {
  static final String QUERY_VERSION = "api-version=2022-10-31-preview";
  private static final int QUERY_RUNS = 40;
  private static final long COMMAND_EVERY_MS = 2000;
  private static final long DRAIN_LIMIT_MS = 120_000;

  @Override
  public String name() {
    return "telemetry-history";
  }

  @Override
  public ScenarioResult run(Rig rig) {
    rig.connectFleet(rig.options().rampConcurrency);
    DeviceFleet fleet = rig.fleet();
    FleetEvents events = fleet.events();
    long storedBefore = count(rig, "P1D");
    long start = events.mark();
    long interval = rig.options().telemetryIntervalMs > 0 ? rig.options().telemetryIntervalMs : 1000;
    fleet.startTelemetry(interval);
    Histogram commands = LatencySummary.newHistogram();
    int failedCommands = 0;
    long end = start + TimeUnit.SECONDS.toNanos(rig.options().telemetrySeconds);
    int n = 0;
    while (System.nanoTime() < end) {
      ConnectStorm.pauseMillis(COMMAND_EVERY_MS);
      String device = Rig.liveId(rig.options().prefix, (n++ * 7919) % fleet.size());
      long t0 = System.nanoTime();
      try {
        Rig.await(rig.api().post("/api/devices/" + device + "/commands/reboot",
            new JsonObject().put("request", 1)));
        commands.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
      } catch (RuntimeException e) {
        failedCommands++;
      }
    }
    long acked = events.acks();
    long sendNanos = System.nanoTime() - start;
    fleet.stopTelemetry();
    ConnectStorm.pause(1);
    long ackedAll = events.acks();

    // Wait until the history holds every acknowledged message (or stops growing).
    long stored = 0;
    long last = -1;
    long drainStart = System.nanoTime();
    long stalledSince = System.nanoTime();
    while (System.nanoTime() - drainStart < TimeUnit.MILLISECONDS.toNanos(DRAIN_LIMIT_MS)) {
      stored = count(rig, "P1D") - storedBefore;
      if (stored >= ackedAll) {
        break;
      }
      if (stored != last) {
        last = stored;
        stalledSince = System.nanoTime();
      } else if (System.nanoTime() - stalledSince > TimeUnit.SECONDS.toNanos(10)) {
        break;
      }
      ConnectStorm.pauseMillis(500);
    }
    long storeNanos = System.nanoTime() - start;

    String template = rig.templateId();
    String oneDevice = "SELECT $id, $ts, temperature FROM " + template + " WHERE WITHIN_WINDOW(P1D) AND $id = '"
        + Rig.liveId(rig.options().prefix, 0) + "'";
    String fleetAggregate = "SELECT AVG(temperature), MAX(temperature), COUNT(temperature) FROM " + template
        + " WHERE WITHIN_WINDOW(PT5M) GROUP BY WINDOW(PT5M)";
    Histogram deviceDay = time(rig, oneDevice);
    Histogram fleetFiveMinutes = time(rig, fleetAggregate);
    return new ScenarioResult(name()).put("devices", fleet.size())
        .put("interval_ms", interval)
        .put("seconds", ScenarioResult.round(sendNanos / 1e9, 2))
        .put("messages_acked", ackedAll)
        .put("messages_acked_per_s", ScenarioResult.perSecond(acked, sendNanos))
        .put("messages_stored", stored)
        .put("messages_lost", Math.max(0, ackedAll - stored))
        .put("stored_per_s", ScenarioResult.perSecond(stored, storeNanos))
        .put("drain_after_stop_s", ScenarioResult.round((System.nanoTime() - drainStart) / 1e9, 2))
        .put("puback_latency", LatencySummary.of(events.telemetryAcks()))
        .put("command_latency", LatencySummary.of(commands))
        .put("commands_failed", failedCommands)
        .put("query_one_device_day", LatencySummary.of(deviceDay))
        .put("query_fleet_5min_aggregate", LatencySummary.of(fleetFiveMinutes))
        .put("dropped_sessions", events.dropped())
        .check("no acknowledged message lost", stored >= ackedAll)
        .note("stored = values counted by POST /query (COUNT(temperature) over the last day) minus those before the "
            + "run; queries timed after the load, " + QUERY_RUNS + " runs each, one at a time");
  }

  /** The telemetry values of the load-test template over the last {@code window}, through the query API. */
  private static long count(Rig rig, String window) {
    JsonObject r = Rig.await(rig.api().post("/api/query?" + QUERY_VERSION, new JsonObject().put("query",
        "SELECT COUNT(temperature) FROM " + rig.templateId() + " WHERE WITHIN_WINDOW(" + window + ")")));
    JsonArray results = r.getJsonArray("results", new JsonArray());
    return results.isEmpty() ? 0 : results.getJsonObject(0).getLong("count_temperature", 0L);
  }

  private static Histogram time(Rig rig, String query) {
    Histogram h = LatencySummary.newHistogram();
    for (int i = 0; i < QUERY_RUNS; i++) {
      long t0 = System.nanoTime();
      Rig.await(rig.api().post("/api/query?" + QUERY_VERSION, new JsonObject().put("query", query)));
      h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
    }
    return h;
  }
}
