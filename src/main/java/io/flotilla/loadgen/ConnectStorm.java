package io.flotilla.loadgen;

import java.util.List;

/**
 * Every live device connects at once (bounded only by --connect-concurrency): time until all are subscribed and
 * failures. Then, after a pause, the server's heap per idle session (heap with the sessions minus heap before; with
 * --server-pid both readings follow a {@code jcmd GC.run}, otherwise they are approximate).
 */
public final class ConnectStorm implements Scenario {
  public static final double TARGET_SECONDS = 10;
  public static final double TARGET_KB_PER_DEVICE = 20;

  @Override
  public String name() {
    return "connect-storm";
  }

  @Override
  public ScenarioResult run(Rig rig) {
    List<DeviceIdentity> devices = rig.liveDevices();
    Rig.await(rig.fleet().close(rig.options().rampConcurrency));
    pause(rig.options().idlePauseSeconds);
    ServerSample before = rig.sample(true);
    DeviceFleet.Connected c = Rig.await(rig.fleet().connect(devices, rig.options().connectConcurrency));
    Bounded.Tally t = c.tally();
    ScenarioResult r = new ScenarioResult(name()).put("devices", devices.size()).put("connected", t.ok())
        .put("failed", t.failed()).put("concurrency", rig.options().connectConcurrency)
        .put("all_connected_ms", ScenarioResult.millis(t.nanos()))
        .put("connects_per_s", t.perSecond())
        .put("connect_latency", LatencySummary.of(c.connectMicros()));
    if (t.firstError() != null) {
      r.note("first failure: " + t.firstError());
    }
    pause(rig.options().idlePauseSeconds);
    ServerSample idle = rig.sample(true);
    double perDeviceKb = t.ok() == 0 ? Double.NaN
        : ScenarioResult.round((idle.heapBytes() - before.heapBytes()) / 1024.0 / t.ok(), 2);
    r.put("heap_before_mb", ServerWatch.mb(before.heapBytes())).put("heap_idle_sessions_mb", ServerWatch.mb(idle.heapBytes()))
        .put("idle_heap_per_device_kb", perDeviceKb)
        .put("heap_after_gc", rig.options().serverPid > 0);
    if (rig.options().serverPid <= 0) {
      r.note("heap readings without a forced GC (no --server-pid): per-device heap is approximate");
    }
    r.put("dropped_sessions", rig.fleet().events().dropped());
    if (t.failed() > 0) {
      DeviceFleet.Connected retry = rig.connectFleet(rig.options().rampConcurrency);
      r.note("reconnected the failed devices for the next scenarios: " + (retry == null ? 0 : retry.tally().ok()));
    }
    r.check("all connected in <= 10 s, zero failures", t.failed() == 0 && t.nanos() <= TARGET_SECONDS * 1e9);
    r.check("<= 20 KB heap per idle device", perDeviceKb <= TARGET_KB_PER_DEVICE);
    if (devices.size() < 10_000) {
      r.note("targets are defined at 10,000 devices; this run had " + devices.size());
    }
    return r;
  }

  static void pause(int seconds) {
    pauseMillis(seconds * 1000L);
  }

  static void pauseMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
