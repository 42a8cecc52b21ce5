package io.flotilla.app;

import java.nio.file.Path;
import java.time.Duration;

/** Server settings; every default lives here. */
public record Config(
    Path dataDir,
    String bind,
    int httpPort,
    int mqttPort,
    int mqttPlainPort,
    String hostName,
    String dbUrl,
    String dbUser,
    String dbPassword,
    int maxBodyBytes,
    int simMaxDevices,
    Duration jobCommandTimeout,
    Duration simTelemetryInterval,
    Path mqttCertificate,
    Path mqttPrivateKey,
    String nodeName,
    Duration auditRetention,
    Duration auditPruneInterval,
    Duration telemetryRetention,
    int mqttWsPort) {

  /** The node's name in job leases (one server process per name at a time on one database). */
  public static final String DEFAULT_NODE_NAME = "local";

  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_MQTT_PORT = 8883;
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final int DEFAULT_SIM_MAX_DEVICES = 10_000;
  public static final Duration DEFAULT_JOB_COMMAND_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SIM_TELEMETRY_INTERVAL = Duration.ofSeconds(10);
  /** How long audit-log entries are kept ({@code --audit-retention}; zero keeps them for ever). */
  public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(90);
  /** How often entries older than the retention are pruned. */
  public static final Duration DEFAULT_AUDIT_PRUNE_INTERVAL = Duration.ofMinutes(10);
  /** How long the telemetry history keeps a message ({@code --telemetry-retention}; whole days are dropped). */
  public static final Duration DEFAULT_TELEMETRY_RETENTION = Duration.ofDays(30);
  /** MQTT over secure WebSockets ({@code --mqtt-ws-port}; -1 off, 0 a free port; off with a warning if unbindable). */
  public static final int DEFAULT_MQTT_WS_PORT = 443;

  /** Settings for a server on free ports in {@code dataDir}, on the embedded database: what tests start. */
  public static Config forTests(Path dataDir) {
    return new Config(dataDir, "127.0.0.1", 0, 0, -1, "127.0.0.1", null, null, null,
        DEFAULT_MAX_BODY_BYTES, DEFAULT_SIM_MAX_DEVICES, DEFAULT_JOB_COMMAND_TIMEOUT,
        DEFAULT_SIM_TELEMETRY_INTERVAL, null, null, DEFAULT_NODE_NAME, DEFAULT_AUDIT_RETENTION,
        DEFAULT_AUDIT_PRUNE_INTERVAL, DEFAULT_TELEMETRY_RETENTION, -1);
  }

  public Config withNodeName(String name) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey, name,
        auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort);
  }

  public Config withMqttPort(int port) {
    return new Config(dataDir, bind, httpPort, port, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort);
  }

  public Config withDatabase(String url, String user, String password) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, url, user, password,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort);
  }

  public Config withJobCommandTimeout(Duration timeout) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, timeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort);
  }

  public Config withSimMaxDevices(int max) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, max, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort);
  }

  public Config withSimTelemetryInterval(Duration interval) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, interval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort);
  }

  public Config withMqttCertificate(Path certificate, Path privateKey) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, certificate, privateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort);
  }

  /** Audit-log entries older than {@code retention} (zero: none) are pruned every {@code interval}. */
  public Config withAudit(Duration retention, Duration interval) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, retention, interval, telemetryRetention, mqttWsPort);
  }

  /** The telemetry history keeps messages for {@code retention} (at least a day). */
  public Config withTelemetryRetention(Duration retention) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, retention, mqttWsPort);
  }

  /** MQTT over secure WebSockets on {@code port} (-1: off, 0: a free port). Tests start with it off. */
  public Config withMqttWsPort(int port) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, port);
  }

  /** The TLS certificate and key of the MQTT listener: the configured PEM files, or null for the generated ones. */
  public boolean hasMqttCertificate() {
    return mqttCertificate != null && mqttPrivateKey != null;
  }

  /** The JDBC URL in force: the configured one, or an H2 file database inside the data directory. */
  public String effectiveDbUrl() {
    if (dbUrl != null && !dbUrl.isBlank()) {
      return dbUrl;
    }
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("flotilla") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;LOCK_TIMEOUT=10000";
  }
}
