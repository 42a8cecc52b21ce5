package io.flotilla.loadgen;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The load generator's command-line options (a picocli mixin of {@code flotilla loadgen}). */
public final class LoadOptions {
  @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", description = "REST API base URL (default: ${DEFAULT-VALUE}).")
  public String api;

  @Option(names = "--token", description = "Authorization header value (an administrator API token).")
  public String token;

  @Option(names = "--token-file", description = "File holding the token, e.g. <data-dir>/admin-token.")
  public Path tokenFile;

  @Option(names = "--mqtt-host", defaultValue = "127.0.0.1", description = "Device gateway host; also the host in SAS tokens (default: ${DEFAULT-VALUE}).")
  public String mqttHost;

  @Option(names = "--mqtt-port", defaultValue = "8883", description = "Device gateway TLS port (default: ${DEFAULT-VALUE}).")
  public int mqttPort;

  @Option(names = "--mqtt-ports", defaultValue = "",
      description = "Several nodes' device gateway TLS ports, comma-separated: devices are spread over them in turn, as "
          + "a load balancer would (default: --mqtt-port only).")
  public String mqttPorts;

  @Option(names = "--kill-pid", defaultValue = "0",
      description = "failover scenario: the process id of the node to kill -9 (its devices reconnect to the others).")
  public long killPid;

  @Option(names = "--kill-port", defaultValue = "0",
      description = "failover scenario: the device gateway TLS port of the node --kill-pid names.")
  public int killPort;

  /** The gateway ports devices are spread over. */
  public int[] gatewayPorts() {
    if (mqttPorts == null || mqttPorts.isBlank()) {
      return new int[] {mqttPort};
    }
    return java.util.Arrays.stream(mqttPorts.split(",")).map(String::trim).filter(p -> !p.isEmpty())
        .mapToInt(Integer::parseInt).toArray();
  }

  @Option(names = "--ca", description = "PEM certificate to trust, e.g. <data-dir>/certs/server-cert.pem "
      + "(default: certs/server-cert.pem next to --token-file).")
  public Path ca;

  @Option(names = "--devices", defaultValue = "100", description = "Live devices (MQTT sessions) (default: ${DEFAULT-VALUE}).")
  public int devices;

  @Option(names = "--registered", defaultValue = "1000",
      description = "Registered devices in the property job, live ones included (default: ${DEFAULT-VALUE}).")
  public int registered;

  @Option(names = "--scenario", defaultValue = "all", description = "connect-storm, command-job, command-job-series, "
      + "command-job-wait, property-job, job-devices-paging, telemetry, telemetry-history, mosquitto-baseline or all; comma-separated for "
      + "several (default: ${DEFAULT-VALUE}).")
  public String scenario;

  @Option(names = "--out", defaultValue = "results.json", description = "JSON results file (default: ${DEFAULT-VALUE}).")
  public Path out;

  @Option(names = "--prefix", defaultValue = "lg", description = "Device, group, template and job id prefix: letters "
      + "and digits (default: ${DEFAULT-VALUE}).")
  public String prefix;

  @Option(names = "--reuse", description = "Reuse devices created by an earlier run with the same prefix.")
  public boolean reuse;

  @Option(names = "--create-concurrency", defaultValue = "64", description = "REST requests in flight while creating devices (default: ${DEFAULT-VALUE}).")
  public int createConcurrency;

  @Option(names = "--connect-concurrency", defaultValue = "500", description = "TLS handshakes in flight in the connect storm (default: ${DEFAULT-VALUE}).")
  public int connectConcurrency;

  @Option(names = "--ramp-concurrency", defaultValue = "200", description = "TLS handshakes in flight when a scenario ramps up its fleet (default: ${DEFAULT-VALUE}).")
  public int rampConcurrency;

  @Option(names = "--telemetry-seconds", defaultValue = "10", description = "Telemetry scenario duration (default: ${DEFAULT-VALUE}).")
  public int telemetrySeconds;

  @Option(names = "--telemetry-interval-ms", defaultValue = "0",
      description = "Pause after each PUBACK before a device's next message; 0 = closed loop (default: ${DEFAULT-VALUE}).")
  public long telemetryIntervalMs;

  @Option(names = "--mosquitto-host", defaultValue = "127.0.0.1", description = "Baseline broker host (default: ${DEFAULT-VALUE}).")
  public String mosquittoHost;

  @Option(names = "--mosquitto-port", defaultValue = "0", description = "Baseline broker plain MQTT port; 0 skips the baseline (default: ${DEFAULT-VALUE}).")
  public int mosquittoPort;

  @Option(names = "--mosquitto-tls-port", defaultValue = "0",
      description = "Baseline broker MQTT/TLS port, its certificate trusted through --ca like Flotilla's; 0 relays over "
          + "plain MQTT only (default: ${DEFAULT-VALUE}).")
  public int mosquittoTlsPort;

  @Option(names = "--server-pid", defaultValue = "0",
      description = "Server process id: run 'jcmd <pid> GC.run' before heap readings (same machine only).")
  public long serverPid;

  @Option(names = "--idle-pause-seconds", defaultValue = "5", description = "Pause before reading idle heap (default: ${DEFAULT-VALUE}).")
  public int idlePauseSeconds;

  @Option(names = "--job-timeout-seconds", defaultValue = "600", description = "Longest wait for a job to finish (default: ${DEFAULT-VALUE}).")
  public int jobTimeoutSeconds;

  @Option(names = "--paging-job", description = "Job whose devices job-devices-paging reads (default: this run's property job).")
  public String pagingJob;

  @Option(names = "--series-warmup", defaultValue = "20",
      description = "command-job-series: jobs run first to warm up, not judged (default: ${DEFAULT-VALUE}).")
  public int seriesWarmup;

  @Option(names = "--series-runs", defaultValue = "9",
      description = "command-job-series: measured jobs; their median is judged (default: ${DEFAULT-VALUE}).")
  public int seriesRuns;

  @Option(names = "--wait-late-percent", defaultValue = "50",
      description = "command-job-wait: share of the live devices offline when the job starts, spread over the ids "
          + "(default: ${DEFAULT-VALUE}).")
  public int waitLatePercent;

  @Option(names = "--wait-connect-seconds", defaultValue = "10",
      description = "command-job-wait: the offline devices connect one after another, evenly spread over this many "
          + "seconds (default: ${DEFAULT-VALUE}).")
  public double waitConnectSeconds;

  @Option(names = "--wait-for-connection", defaultValue = "PT5M",
      description = "command-job-wait: the job's delivery.waitForConnection (default: ${DEFAULT-VALUE}).")
  public String waitForConnection;

  @Option(names = "--label", defaultValue = "", description = "Free text stored in the results (e.g. database: h2).")
  public String label;
}
