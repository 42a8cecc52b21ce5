package io.flotilla.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's aggregate CPU times (the {@code cpu} line of Linux's {@code /proc/stat}), to report how much of a
 * scenario's wall time the hypervisor gave to other guests ({@code steal}): on a shared host that, not the code,
 * explains a slow run.
 */
record CpuTimes(long total, long steal) {
  static final CpuTimes UNKNOWN = new CpuTimes(0, 0);

  /** Parses {@code cpu  user nice system idle iowait irq softirq steal ...} (clock ticks). */
  static CpuTimes parse(String procStat) {
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
          total += Long.parseLong(f[i]);
        }
        return new CpuTimes(total, f.length > 8 ? Long.parseLong(f[8]) : 0);
      }
    }
    return UNKNOWN;
  }

  static CpuTimes now() {
    try {
      return parse(Files.readString(Path.of("/proc/stat")));
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  /** Percentage of the CPU time between {@code earlier} and this reading that was stolen; NaN when unknown. */
  double stealPercentSince(CpuTimes earlier) {
    long dt = total - earlier.total;
    if (this == UNKNOWN || earlier == UNKNOWN || dt <= 0) {
      return Double.NaN;
    }
    return ScenarioResult.round(100.0 * (steal - earlier.steal) / dt, 1);
  }
}
