package io.flotilla.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results of a run: a plain-text table on the console and a JSON file. */
public final class Report {
  private final Map<String, Object> run = new LinkedHashMap<>();
  private final List<ScenarioResult> results = new ArrayList<>();

  public Report(LoadOptions o) {
    run.put("started", Instant.now().toString());
    run.put("label", o.label);
    run.put("api", o.api);
    run.put("devices", o.devices);
    run.put("registered", o.registered);
    run.put("scenario", o.scenario);
    run.put("prefix", o.prefix);
    run.put("reuse", o.reuse);
    run.put("loadgen_cores", Runtime.getRuntime().availableProcessors());
    run.put("loadgen_max_heap_mb", Runtime.getRuntime().maxMemory() / 1048576);
    run.put("machine_loadavg_1m_at_start", ServerWatch.loadAverage());
  }

  public void add(ScenarioResult r) {
    results.add(r);
  }

  public List<ScenarioResult> results() {
    return results;
  }

  /**
   * Adds each command job's (and series') ratio to Mosquitto's relay rate when both ran: devices/s over
   * mosquitto-baseline devices/s (target >= 0.5), for the plain-MQTT relay and, when it ran, the MQTT/TLS one.
   */
  public void addRatios() {
    ScenarioResult mosquitto = find("mosquitto-baseline");
    if (mosquitto == null) {
      return;
    }
    for (ScenarioResult command : results) {
      if (command.name().equals("command-job") || command.name().equals("command-job-series")) {
        addRatio(command, mosquitto, "", "");
        addRatio(command, mosquitto, "_tls", " over MQTT/TLS");
      }
    }
  }

  private static void addRatio(ScenarioResult command, ScenarioResult mosquitto, String suffix, String transport) {
    double baseline = mosquitto.number("devices_per_s" + suffix);
    if (Double.isNaN(baseline)) {
      return;
    }
    double ratio = ScenarioResult.ratio(command.number("devices_per_s"), baseline);
    command.put("ratio_to_mosquitto" + suffix, ratio);
    command.check(">= 0.5 x Mosquitto relay rate" + transport, ratio >= 0.5);
  }

  private ScenarioResult find(String name) {
    return results.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  public void write(Path file) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>(run);
    doc.put("results", results.stream().map(ScenarioResult::asMap).toList());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
  }

  public void print(PrintStream out) {
    out.printf("%n%-34s %-38s %s%n", "scenario", "metric", "value");
    out.println("-".repeat(110));
    for (ScenarioResult r : results) {
      String name = r.name();
      for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
        out.printf("%-34s %-38s %s%n", name, e.getKey(), format(e.getValue()));
        name = "";
      }
      for (Map.Entry<String, Boolean> c : r.checks().entrySet()) {
        out.printf("%-34s %-38s %s%n", name, "target: " + c.getKey(), c.getValue() ? "MET" : "MISSED");
        name = "";
      }
      for (String note : r.notes()) {
        out.printf("%-34s %-38s %s%n", name, "note", note);
        name = "";
      }
      out.println("-".repeat(110));
    }
  }

  static String format(Object value) {
    if (value instanceof Map<?, ?> m && m.containsKey("p99_ms")) {
      return "p50 %s / p90 %s / p99 %s / max %s ms (n=%s)".formatted(m.get("p50_ms"), m.get("p90_ms"),
          m.get("p99_ms"), m.get("max_ms"), m.get("count"));
    }
    return String.valueOf(value);
  }
}
