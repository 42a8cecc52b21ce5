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
    int mqttWsPort, Uploads uploads) {

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
        DEFAULT_AUDIT_PRUNE_INTERVAL, DEFAULT_TELEMETRY_RETENTION, -1, Uploads.FOR_TESTS);
  }

  public Config withNodeName(String name) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey, name,
        auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort, uploads);
  }

  public Config withMqttPort(int port) {
    return new Config(dataDir, bind, httpPort, port, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort, uploads);
  }

  public Config withDatabase(String url, String user, String password) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, url, user, password,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort, uploads);
  }

  public Config withJobCommandTimeout(Duration timeout) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, timeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort, uploads);
  }

  public Config withSimMaxDevices(int max) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, max, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort, uploads);
  }

  public Config withSimTelemetryInterval(Duration interval) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, interval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort, uploads);
  }

  public Config withMqttCertificate(Path certificate, Path privateKey) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, certificate, privateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort, uploads);
  }

  /** Audit-log entries older than {@code retention} (zero: none) are pruned every {@code interval}. */
  public Config withAudit(Duration retention, Duration interval) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, retention, interval, telemetryRetention, mqttWsPort, uploads);
  }

  /** The telemetry history keeps messages for {@code retention} (at least a day). */
  public Config withTelemetryRetention(Duration retention) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, retention, mqttWsPort, uploads);
  }

  /** MQTT over secure WebSockets on {@code port} (-1: off, 0: a free port). Tests start with it off. */
  public Config withMqttWsPort(int port) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, port, uploads);
  }

  /** The same settings with file uploads configured as {@code u}. */
  public Config withUploads(Uploads u) {
    return new Config(dataDir, bind, httpPort, mqttPort, mqttPlainPort, hostName, dbUrl, dbUser, dbPassword,
        maxBodyBytes, simMaxDevices, jobCommandTimeout, simTelemetryInterval, mqttCertificate, mqttPrivateKey,
        nodeName, auditRetention, auditPruneInterval, telemetryRetention, mqttWsPort, u);
  }

  /**
   * File uploads (docs/api.md "File uploads"): the directory uploaded files go to ({@code --upload-dir}; null:
   * {@code <data dir>/uploads}), the device HTTPS port ({@code --device-https-port}: 443, the Azure IoT SDKs' fixed
   * port; 0 picks a free one; -1 turns device HTTPS off) and the largest file accepted ({@code --upload-max-bytes}).
   */
  public record Uploads(Path dir, int httpsPort, long maxFileBytes) {
    public static final int DEFAULT_HTTPS_PORT = 443;
    public static final long DEFAULT_MAX_FILE_BYTES = 256L * 1024 * 1024;
    public static final Uploads DEFAULT = new Uploads(null, DEFAULT_HTTPS_PORT, DEFAULT_MAX_FILE_BYTES);
    /** Tests: a free port. */
    public static final Uploads FOR_TESTS = new Uploads(null, 0, DEFAULT_MAX_FILE_BYTES);
  }

  /** The directory uploaded files go to. */
  public Path uploadDir() {
    return uploads.dir() != null ? uploads.dir() : dataDir.resolve("uploads");
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
