package io.flotilla.api.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** What a fuzz run did: cases by route, method and answer, state checks, time. Written to target/fuzz/. */
final class FuzzStats {
  final Map<String, Long> byStatus = new TreeMap<>();
  final Map<String, Long> byRoute = new TreeMap<>();
  final Map<String, Long> byCaller = new TreeMap<>();
  final Map<String, Long> successesByRoute = new TreeMap<>();
  final AtomicLong cases = new AtomicLong();
  final AtomicLong raw = new AtomicLong();
  final AtomicLong accepted = new AtomicLong();
  final AtomicLong rejectedWrites = new AtomicLong();
  final AtomicLong storedChecks = new AtomicLong();
  final AtomicLong apiChecks = new AtomicLong();
  final AtomicLong restores = new AtomicLong();
  final AtomicLong auditChecks = new AtomicLong();
  long requestNanos;
  long betweenNanos;
  private long lastEnd;
  long checkNanos;
  long slowestNanos;
  String slowest = "";

  synchronized void count(FuzzCase c, FuzzClient.Answer a) {
    cases.incrementAndGet();
    if (c.raw() != null) {
      raw.incrementAndGet();
    }
    byStatus.merge(a == null ? "closed" : Integer.toString(a.status()), 1L, Long::sum);
    byRoute.merge(c.route().operationId(), 1L, Long::sum);
    byCaller.merge(c.caller(), 1L, Long::sum);
    if (a != null && a.status() < 300) {
      successesByRoute.merge(c.route().operationId(), 1L, Long::sum);
    }
    if (a != null) {
      requestNanos += a.nanos();
      if (a.nanos() > slowestNanos) {
        slowestNanos = a.nanos();
        slowest = c.method() + " " + FuzzClient.abbreviate(c.uri()) + " -> " + a.status();
      }
    }
  }

  void betweenCases() {
    if (lastEnd != 0) {
      betweenNanos += System.nanoTime() - lastEnd;
    }
  }

  void caseEnded() {
    lastEnd = System.nanoTime();
  }

  String report(String seed, int tries, long nanos, String result, String database) {
    StringBuilder sb = new StringBuilder();
    sb.append("REST fuzz run on ").append(database).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores, load average ").append(String.format("%.1f",
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())).append('\n');
    sb.append("result: ").append(result).append('\n');
    sb.append("seed: ").append(seed).append("   tries asked: ").append(tries).append('\n');
    sb.append("cases sent: ").append(cases.get()).append(" (raw socket: ").append(raw.get()).append(")\n");
    sb.append(String.format("duration: %.1f s (requests %.1f s, state checks and fixture restores %.1f s, "
        + "generating cases %.1f s)%n", nanos / 1e9, requestNanos / 1e9, checkNanos / 1e9, betweenNanos / 1e9));
    sb.append("accepted writes: ").append(accepted.get()).append("   rejected writes: ").append(rejectedWrites.get())
        .append('\n').append("stored-state comparisons: ").append(storedChecks.get())
        .append("   API snapshot comparisons (every collection listed): ").append(apiChecks.get())
        .append("   fixture restores: ")
        .append(restores.get()).append("   audit entries checked: ").append(auditChecks.get()).append('\n');
    sb.append(String.format("slowest request: %.1f ms (%s)%n", slowestNanos / 1e6, slowest));
    sb.append("answers by status: ").append(byStatus).append('\n');
    sb.append("cases by caller: ").append(byCaller).append('\n');
    sb.append("cases by route:\n");
    byRoute.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append(" (2xx: ")
        .append(successesByRoute.getOrDefault(k, 0L)).append(")\n"));
    return sb.toString();
  }

  static void write(String report) {
    try {
      Path dir = Path.of("target", "fuzz");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("rest-fuzz.txt"), report);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
