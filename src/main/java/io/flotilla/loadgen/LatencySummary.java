package io.flotilla.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Percentiles of a latency histogram recorded in microseconds, reported in milliseconds. */
public record LatencySummary(long count, double p50, double p90, double p99, double max, double mean) {

  /** A histogram for values in microseconds from 1 µs to 10 minutes, 3 significant digits. */
  public static Histogram newHistogram() {
    return new Histogram(1, TimeUnit.MINUTES.toMicros(10), 3);
  }

  public static LatencySummary of(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0);
    }
    return new LatencySummary(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
        ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)), ms(micros.getMaxValue()),
        Math.round(micros.getMean()) / 1000.0);
  }

  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("p50_ms", p50);
    m.put("p90_ms", p90);
    m.put("p99_ms", p99);
    m.put("max_ms", max);
    m.put("mean_ms", mean);
    return m;
  }

  @Override
  public String toString() {
    return "p50 %.1f / p90 %.1f / p99 %.1f / max %.1f ms (n=%d)".formatted(p50, p90, p99, max, count);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
