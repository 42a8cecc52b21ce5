package io.flotilla.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The loss of a cluster node: with the live fleet spread over several nodes, the node {@code --kill-pid} is killed
 * (kill -9); its devices reconnect to the other nodes (as behind a load balancer), then a command job runs over every
 * live device. Measures the time from the kill until that job is complete (target: 20 s at 10,000 devices).
 */
public final class Failover implements Scenario {
  public static final double TARGET_SECONDS = 20;

  @Override
  public String name() {
    return "failover";
  }

  @Override
  public ScenarioResult run(Rig rig) {
    LoadOptions o = rig.options();
    ScenarioResult r = new ScenarioResult(name());
    if (o.killPid <= 0 || o.killPort <= 0 || o.gatewayPorts().length < 2) {
      return r.note("needs --mqtt-ports (two nodes or more), --kill-pid and --kill-port (bench/run.sh --nodes 3)")
          .check("ran", false);
    }
    rig.connectFleet(o.rampConcurrency);
    int live = rig.fleet().size();
    int onDead = rig.fleet().clientsOn(o.killPort).size();
    long killed = System.nanoTime();
    boolean wasKilled = ProcessHandle.of(o.killPid).map(ProcessHandle::destroyForcibly).orElse(false);
    DeviceFleet.Connected moved = Rig.await(rig.fleet().reconnectAway(o.killPort, rig.liveDevices(),
        o.rampConcurrency));
    long reconnected = System.nanoTime();
    JsonObject job = new JsonObject().put("displayName", "loadgen failover job").put("group", rig.liveGroup())
        .put("data", new JsonArray().add(new JsonObject().put("type", "command").put("target", rig.templateId())
            .put("path", "reboot").put("value", 1)));
    JobRun run = JobRun.start(rig, rig.jobId("failover"), job, rig.fleet().events().mark());
    long done = System.nanoTime();
    double seconds = (done - killed) / 1e9;
    run.report(r.put("live_devices", live).put("devices_on_killed_node", onDead)
        .put("reconnected", moved.tally().ok()).put("reconnect_failures", moved.tally().failed())
        .put("kill_to_reconnected_ms", ScenarioResult.millis(reconnected - killed))
        .put("kill_to_job_complete_s", Math.round(seconds * 100) / 100.0));
    r.check("the node was killed", wasKilled);
    r.check("every device of the killed node reconnected", moved.tally().ok() == onDead);
    r.check("every device completed", "complete".equals(run.status()) && run.progress("completed") == live);
    r.check("<= 20 s from the kill to the job complete", seconds <= TARGET_SECONDS);
    return r;
  }
}
