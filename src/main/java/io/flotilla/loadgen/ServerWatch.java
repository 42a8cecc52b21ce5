package io.flotilla.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Scrapes {@code /metrics} every 500 ms during a scenario (asynchronously) and summarises heap and CPU. */
public final class ServerWatch {
  private final Rig rig;
  private final List<ServerSample> samples = new ArrayList<>();
  private final ServerSample before;
  private final CpuTimes cpuBefore = CpuTimes.now();
  private final long timer;

  private ServerWatch(Rig rig) {
    this.rig = rig;
    this.before = rig.sample(false);
    this.timer = rig.vertx().setPeriodic(500, id -> rig.api().metricsText().onSuccess(text -> {
      synchronized (samples) {
        samples.add(ServerSample.parse(text));
      }
    }));
  }

  public static ServerWatch start(Rig rig) {
    return new ServerWatch(rig);
  }

  /** heap before/after/max (MB) and CPU mean/max (fraction of all cores) while the scenario ran. */
  public Map<String, Object> stop() {
    rig.vertx().cancelTimer(timer);
    ServerSample after = rig.sample(false);
    List<ServerSample> all = new ArrayList<>();
    all.add(before);
    synchronized (samples) {
      all.addAll(samples);
    }
    all.add(after);
    Map<String, Object> m = summary(all);
    m.put("machine_steal_pct", CpuTimes.now().stealPercentSince(cpuBefore));
    return m;
  }

  static Map<String, Object> summary(List<ServerSample> all) {
    long heapMax = 0;
    double cpuSum = 0;
    double cpuMax = 0;
    int cpuCount = 0;
    for (ServerSample s : all) {
      heapMax = Math.max(heapMax, s.heapBytes());
      if (!Double.isNaN(s.cpuUsage())) {
        cpuSum += s.cpuUsage();
        cpuMax = Math.max(cpuMax, s.cpuUsage());
        cpuCount++;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("heap_before_mb", mb(all.get(0).heapBytes()));
    m.put("heap_after_mb", mb(all.get(all.size() - 1).heapBytes()));
    m.put("heap_max_mb", mb(heapMax));
    m.put("cpu_mean", cpuCount == 0 ? Double.NaN : ScenarioResult.round(cpuSum / cpuCount, 3));
    m.put("cpu_max", cpuCount == 0 ? Double.NaN : ScenarioResult.round(cpuMax, 3));
    m.put("samples", all.size());
    m.put("machine_loadavg_1m", loadAverage());
    return m;
  }

  /** The machine's 1-minute load average (Linux), to show when other work shared the cores; NaN elsewhere. */
  static double loadAverage() {
    try {
      return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (java.io.IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static double mb(long bytes) {
    return ScenarioResult.round(bytes / 1048576.0, 1);
  }
}
