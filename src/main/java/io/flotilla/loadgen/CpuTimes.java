package io.flotilla.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's aggregate CPU times (the {@code cpu} line of Linux's {@code /proc/stat}), to report how much of a
 * scenario's wall time the hypervisor gave to other guests ({@code steal}): on a shared host that, not the code,
 * explains a slow run.
 */
record CpuTimes(long total, long idle, long steal) {
  static final CpuTimes UNKNOWN = new CpuTimes(0, 0, 0);

  /** Parses {@code cpu  user nice system idle iowait irq softirq steal ...} (clock ticks). */
  static CpuTimes parse(String procStat) {
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new CpuTimes(total, idle, f.length > 8 ? Long.parseLong(f[8]) : 0);
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

  /** Share (0..1) of the CPU time between {@code earlier} and this reading that was busy; NaN when unknown. */
  double busySince(CpuTimes earlier) {
    long dt = total - earlier.total;
    if (this == UNKNOWN || earlier == UNKNOWN || dt <= 0) {
      return Double.NaN;
    }
    return 1.0 - (double) (idle - earlier.idle) / dt;
  }

  /**
   * Waits until the machine is quiet (at most {@code maxBusy} of its CPU busy over a {@code windowMs} window) or
   * {@code timeoutMs} passed; answers the milliseconds waited. Before a baseline round, so that the server's work
   * left over from the job before it (session teardown, database housekeeping) is not charged to the broker.
   */
  static long settle(double maxBusy, long windowMs, long timeoutMs) {
    long start = System.nanoTime();
    while (true) {
      CpuTimes a = now();
      ConnectStorm.pauseMillis(windowMs);
      double busy = now().busySince(a);
      long waited = (System.nanoTime() - start) / 1_000_000;
      if (Double.isNaN(busy) || busy <= maxBusy || waited >= timeoutMs) {
        return waited;
      }
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
