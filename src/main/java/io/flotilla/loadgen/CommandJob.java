package io.flotilla.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A command job ({@code reboot}) over the live group: every device is connected and answers 200. Measures PUT to
 * {@code complete}, devices/s, and on the device side when each method request arrived after the PUT.
 */
public final class CommandJob implements Scenario {
  public static final double TARGET_DEVICES_PER_S = 10_000;

  @Override
  public String name() {
    return "command-job";
  }

  @Override
  public ScenarioResult run(Rig rig) {
    rig.connectFleet(rig.options().rampConcurrency);
    int live = rig.fleet().size();
    FleetEvents events = rig.fleet().events();
    JsonObject job = new JsonObject().put("displayName", "loadgen command job").put("group", rig.liveGroup())
        .put("data", new JsonArray().add(new JsonObject().put("type", "command").put("target", rig.templateId())
            .put("path", "reboot").put("value", 1)));
    String id = rig.jobId("cmd");
    long start = events.mark();
    JobRun run = JobRun.start(rig, id, job, start);
    ScenarioResult r = run.report(new ScenarioResult(name()).put("live_devices", live));
    r.put("method_arrival_after_put", LatencySummary.of(events.methodArrivals()))
        .put("methods_received", events.methods())
        .put("last_method_after_put_ms", ScenarioResult.millis(events.lastMethodAfterMark()))
        .put("dropped_sessions", events.dropped());
    boolean allCompleted = "complete".equals(run.status()) && run.progress("completed") == live
        && run.progress("total") == live;
    r.check("every device completed", allCompleted);
    r.check(">= 10,000 devices/s", r.number("devices_per_s") >= TARGET_DEVICES_PER_S);
    if (live < 10_000) {
      r.note("target is defined at 10,000 live devices; this run had " + live);
    }
    return r;
  }
}
