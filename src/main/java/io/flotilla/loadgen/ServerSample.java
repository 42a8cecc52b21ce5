package io.flotilla.loadgen;

/**
 * One scrape of the server's {@code /metrics}: heap in use (sum of every {@code jvm_memory_used_bytes{area="heap"}}
 * pool) and {@code process_cpu_usage} (0..1 of all cores; {@code NaN} when absent).
 */
public record ServerSample(long heapBytes, double cpuUsage) {

  /** Reads a Prometheus text exposition. */
  public static ServerSample parse(String text) {
    long heap = 0;
    double cpu = Double.NaN;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        heap += (long) value(line);
      } else if (line.startsWith("process_cpu_usage ") || line.startsWith("process_cpu_usage{")) {
        cpu = value(line);
      }
    }
    return new ServerSample(heap, cpu);
  }

  /** The first sample of {@code metric} (e.g. {@code flotilla_mqtt_sessions}); NaN when it is absent. */
  public static double gauge(String text, String metric) {
    for (String line : text.split("\n")) {
      if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
        return value(line);
      }
    }
    return Double.NaN;
  }

  /** The sample value: the first field after the metric name and labels (a timestamp may follow). */
  private static double value(String line) {
    int labelsEnd = line.lastIndexOf('}');
    String rest = (labelsEnd >= 0 ? line.substring(labelsEnd + 1) : line.substring(line.indexOf(' '))).trim();
    int space = rest.indexOf(' ');
    return Double.parseDouble(space < 0 ? rest : rest.substring(0, space));
  }
}
