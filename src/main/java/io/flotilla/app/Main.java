package io.flotilla.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import io.flotilla.loadgen.LoadGenerator;
import io.flotilla.loadgen.LoadOptions;
import picocli.CommandLine.Option;

/**
 * The command line: {@code serve} runs the server, {@code loadgen} benchmarks a running one, {@code token create} issues
 * an API token straight into the database.
 */
@Command(name = "flotilla", mixinStandardHelpOptions = true, version = "flotilla 0.1.0",
    description = "Self-hosted IoT fleet server (IoT Central REST API, IoT Hub MQTT device protocol).",
    subcommands = {Main.Serve.class, Main.LoadGen.class, TokenCommand.class})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Start the server. Every option also reads a FLOTILLA_* environment variable.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "${env:FLOTILLA_DATA_DIR:-./data}",
        description = "Data directory: H2 database, admin token, certificates, ports.json (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--http-port", defaultValue = "${env:FLOTILLA_HTTP_PORT:-8080}",
        description = "REST API port; 0 picks a free port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--mqtt-port", defaultValue = "${env:FLOTILLA_MQTT_PORT:-8883}",
        description = "TLS MQTT port for devices and DPS; 0 picks a free port (default: ${DEFAULT-VALUE}).")
    int mqttPort;

    @Option(names = "--mqtt-plain-port", defaultValue = "${env:FLOTILLA_MQTT_PLAIN_PORT:--1}",
        description = "Plain (non-TLS) MQTT port; -1 disables it (default: ${DEFAULT-VALUE}).")
    int mqttPlainPort;

    @Option(names = "--mqtt-ws-port", defaultValue = "${env:FLOTILLA_MQTT_WS_PORT:-443}",
        description = "MQTT over secure WebSockets port (wss, path /$iothub/websocket); 0 picks a free port, -1 "
            + "disables it; a port that cannot be bound (443 needs root) leaves it off with a warning "
            + "(default: ${DEFAULT-VALUE}).")
    int mqttWsPort;

    @Option(names = "--bind", defaultValue = "${env:FLOTILLA_BIND:-0.0.0.0}",
        description = "Address to listen on (default: all interfaces).")
    String bind;

    @Option(names = "--host-name", defaultValue = "${env:FLOTILLA_HOST_NAME:-127.0.0.1}",
        description = "Host name devices use to reach this server; goes into the certificate and DPS answers (default: ${DEFAULT-VALUE}).")
    String hostName;

    @Option(names = "--db-url", defaultValue = "${env:FLOTILLA_DB_URL:-}",
        description = "JDBC URL; default: H2 file database in the data directory. jdbc:postgresql://... selects PostgreSQL.")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "${env:FLOTILLA_DB_USER:-}", description = "Database user.")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:FLOTILLA_DB_PASSWORD:-}", description = "Database password.")
    String dbPassword;

    @Option(names = "--max-body-bytes", defaultValue = "${env:FLOTILLA_MAX_BODY_BYTES:-1048576}",
        description = "Largest accepted request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--sim-max-devices", defaultValue = "${env:FLOTILLA_SIM_MAX_DEVICES:-10000}",
        description = "Most simulated devices this server runs (default: ${DEFAULT-VALUE}).")
    int simMaxDevices;

    @Option(names = "--sim-telemetry-interval", defaultValue = "${env:FLOTILLA_SIM_TELEMETRY_INTERVAL:-10}",
        description = "Mean seconds between two telemetry messages of a simulated device, jittered (default: ${DEFAULT-VALUE}).")
    double simTelemetryInterval;

    @Option(names = "--job-command-timeout", defaultValue = "${env:FLOTILLA_JOB_COMMAND_TIMEOUT:-30}",
        description = "Seconds a command job waits for each device's answer (default: ${DEFAULT-VALUE}).")
    int jobCommandTimeout;

    @Option(names = "--mqtt-cert", defaultValue = "${env:FLOTILLA_MQTT_CERT}",
        description = "PEM certificate (chain) of the TLS MQTT listener; default: a self-signed one generated in <data-dir>/certs.")
    Path mqttCertificate;

    @Option(names = "--mqtt-key", defaultValue = "${env:FLOTILLA_MQTT_KEY}",
        description = "PEM (PKCS#8) private key for --mqtt-cert.")
    Path mqttPrivateKey;

    @Option(names = "--node-name", defaultValue = "${env:FLOTILLA_NODE_NAME:-" + Config.DEFAULT_NODE_NAME + "}",
        description = "This server's name in job leases; servers sharing one database need distinct names (default: "
            + "${DEFAULT-VALUE}).")
    String nodeName;

    @Option(names = "--audit-retention", defaultValue = "${env:FLOTILLA_AUDIT_RETENTION:-90}",
        description = "Days the audit log keeps an entry; older ones are pruned every 10 minutes, 0 keeps them for "
            + "ever (default: ${DEFAULT-VALUE}).")
    int auditRetentionDays;

    @Option(names = "--telemetry-retention", defaultValue = "${env:FLOTILLA_TELEMETRY_RETENTION:-30}",
        description = "How long the telemetry history keeps a message: days, or an ISO 8601 duration such as P30D; "
            + "at least a day, whole days are dropped (default: ${DEFAULT-VALUE}).")
    String telemetryRetention;

    @Option(names = "--tls-groups", defaultValue = "${env:FLOTILLA_TLS_GROUPS:-}",
        description = "TLS key-exchange groups, in order of preference (default: " + TlsGroups.DEFAULT
            + "; e.g. X25519MLKEM768,x25519,secp256r1 adds the hybrid post-quantum group).")
    String tlsGroups;

    @Option(names = "--cluster", defaultValue = "${env:FLOTILLA_CLUSTER:-false}",
        description = "Join a cluster of nodes sharing one PostgreSQL database (Vert.x clustered event bus, Hazelcast).")
    boolean cluster;

    @Option(names = "--cluster-host", defaultValue = "${env:FLOTILLA_CLUSTER_HOST:-127.0.0.1}",
        description = "Address the other nodes reach this one on (default: ${DEFAULT-VALUE}).")
    String clusterHost;

    @Option(names = "--cluster-port", defaultValue = "${env:FLOTILLA_CLUSTER_PORT:-5701}",
        description = "Hazelcast port of this node (default: ${DEFAULT-VALUE}).")
    int clusterPort;

    @Option(names = "--cluster-members", defaultValue = "${env:FLOTILLA_CLUSTER_MEMBERS:-}",
        description = "The cluster's members as host:port,host:port,... (TCP/IP discovery; no multicast).")
    String clusterMembers;

    @Option(names = "--job-lease", defaultValue = "${env:FLOTILLA_JOB_LEASE:-15}",
        description = "Seconds a job lease lasts unrenewed: another node takes over a dead node's work this long "
            + "after it died (default: ${DEFAULT-VALUE}).")
    int jobLeaseSeconds;

    @Option(names = "--upload-dir", defaultValue = "${env:FLOTILLA_UPLOAD_DIR}",
        description = "Directory devices' uploaded files go to (default: <data-dir>/uploads).")
    Path uploadDir;

    @Option(names = "--device-https-port", defaultValue = "${env:FLOTILLA_DEVICE_HTTPS_PORT:-443}",
        description = "HTTPS port of device file uploads (the Azure IoT SDKs use 443); 0 picks a free port, -1 turns "
            + "it off (default: ${DEFAULT-VALUE}).")
    int deviceHttpsPort;

    @Option(names = "--upload-max-bytes", defaultValue = "${env:FLOTILLA_UPLOAD_MAX_BYTES:-268435456}",
        description = "Largest file a device may upload; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    long uploadMaxBytes;

    /** {@code --telemetry-retention}: whole days ({@code 30}) or an ISO 8601 duration ({@code P30D}), at least a day. */
    private java.time.Duration retention(String text) {
      java.time.Duration d;
      try {
        d = text.matches("\\d{1,5}") ? java.time.Duration.ofDays(Long.parseLong(text)) : java.time.Duration.parse(text);
      } catch (java.time.format.DateTimeParseException e) {
        d = null;
      }
      if (d == null || d.compareTo(java.time.Duration.ofDays(1)) < 0) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--telemetry-retention must be a number of days or an ISO 8601 duration of at least one day (P1D).");
      }
      return d;
    }

    @Override
    public Integer call() throws Exception {
      TlsGroups.apply(tlsGroups);
      if (jobLeaseSeconds < 3) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--job-lease must be at least 3 seconds.");
      }
      io.flotilla.cluster.ClusterSettings clusterSettings = cluster
          ? io.flotilla.cluster.ClusterSettings.on(clusterHost, clusterPort, java.util.Arrays.stream(
              clusterMembers.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList())
          : io.flotilla.cluster.ClusterSettings.OFF;
      clusterSettings = clusterSettings.withLease(java.time.Duration.ofSeconds(jobLeaseSeconds));
      if (auditRetentionDays < 0) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--audit-retention must be 0 or more days.");
      }
      if ((mqttCertificate == null) != (mqttPrivateKey == null)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--mqtt-cert and --mqtt-key go together.");
      }
      Config config = new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName,
          blankToNull(dbUrl), blankToNull(dbUser), blankToNull(dbPassword), maxBodyBytes, simMaxDevices,
          java.time.Duration.ofSeconds(jobCommandTimeout),
          java.time.Duration.ofMillis(Math.max(100, Math.round(simTelemetryInterval * 1000))), mqttCertificate,
          mqttPrivateKey, nodeName, java.time.Duration.ofDays(auditRetentionDays), Config.DEFAULT_AUDIT_PRUNE_INTERVAL,
          retention(telemetryRetention), mqttWsPort,
          new Config.Uploads(uploadDir, deviceHttpsPort, uploadMaxBytes));
      Flotilla server = Flotilla.start(config, java.time.Clock.systemUTC(), clusterSettings);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stopped.countDown();
      }, "flotilla-shutdown"));
      stopped.await();
      return 0;
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }

  @Command(name = "loadgen", mixinStandardHelpOptions = true,
      description = "Load generator: drives a running server over REST and MQTT/TLS only and reports scenario results.")
  static final class LoadGen implements Callable<Integer> {
    @Mixin
    LoadOptions options;

    @Override
    public Integer call() throws Exception {
      TlsGroups.apply(null);
      return new LoadGenerator(options).run();
    }
  }
}
