package io.flotilla.app;

import io.flotilla.api.http.CommandRoutes;
import io.flotilla.api.http.EnrollmentGroupRoutes;
import io.flotilla.api.http.QueryRoutes;
import io.flotilla.api.http.ResourceRoutes;
import io.flotilla.api.http.TelemetryRoutes;
import io.flotilla.domain.auth.Application;
import io.flotilla.domain.device.CommandService;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.device.DeviceRepository;
import io.flotilla.domain.device.QueuedCommands;
import io.flotilla.domain.device.TelemetryService;
import io.flotilla.domain.device.TwinService;
import io.flotilla.domain.device.ExportEvents;
import io.flotilla.domain.history.QueryService;
import io.flotilla.domain.history.TelemetryHistory;
import io.flotilla.domain.provisioning.EnrollmentService;
import io.flotilla.domain.provisioning.ProvisioningService;
import io.flotilla.domain.template.TemplateService;
import io.flotilla.gateway.mqtt.MqttGateway;
import io.flotilla.api.http.ModuleRoutes;
import io.flotilla.domain.device.ModuleService;
import io.flotilla.storage.sql.SqlModuleRepository;
import io.flotilla.gateway.mqtt.ServerCertificate;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlCommandQueue;
import io.flotilla.storage.sql.SqlCommandRepository;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlEnrollmentRepository;
import io.flotilla.storage.sql.SqlTelemetryHistory;
import io.flotilla.storage.sql.SqlTelemetryRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device gateway and the device-side services around it: twin, telemetry, provisioning, enrollment groups and
 * commands. Device, property, template and group services are shared with {@link Wiring}.
 */
public final class GatewayWiring {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayWiring.class);
  private static final long TELEMETRY_FLUSH_MILLIS = 1000;
  /** How often the telemetry history's queue is written (full batches go at once) and its partitions kept up. */
  private static final long HISTORY_FLUSH_MILLIS = 100;
  private static final long HISTORY_MAINTAIN_MILLIS = 3_600_000;
  private static final int MAX_RUNNING_QUERIES = 2;

  private final Vertx vertx;
  private final TemplateService templates;
  private final CommandService commands;
  private final QueuedCommands queuedCommands;
  private final ModuleService modules;
  private final TelemetryService telemetry;
  private final EnrollmentService enrollments;
  private final MqttGateway gateway;
  private final TwinService twins;
  private final long flushTimer;
  private final Database deviceLane;
  private final Database historyLane;
  private final Database queryLane;
  private final TelemetryHistory history;
  private final QueryService queries;
  private final long historyTimer;
  private final long maintainTimer;

  private final DeviceChannel routed;
  private final ProvisioningService provisioning;
  private ServerCertificate certificate;

  private GatewayWiring(Vertx vertx, Database db, MeterRegistry meters, Config config, Application app, Clock clock,
                        DeviceRepository deviceRepo, TemplateService templates, ExportEvents exports,
                        java.util.function.Function<MqttGateway, DeviceChannel> route) {
    this.vertx = vertx;
    this.templates = templates;
    this.enrollments = new EnrollmentService(new SqlEnrollmentRepository(db), clock);
    // The telemetry history writes on a lane of its own (one batch at a time) and queries read on another.
    this.historyLane = db.lane(vertx, "flotilla-db-history", 1);
    this.queryLane = db.lane(vertx, "flotilla-db-query", MAX_RUNNING_QUERIES);
    SqlTelemetryHistory historyRepo = new SqlTelemetryHistory(historyLane, queryLane);
    this.history = new TelemetryHistory(historyRepo, clock, config.telemetryRetention(),
        TelemetryHistory.Limits.DEFAULT);
    this.queries = new QueryService(historyRepo, templates, clock, MAX_RUNNING_QUERIES);
    this.telemetry = new TelemetryService(deviceRepo, templates, new SqlTelemetryRepository(db), exports, history);
    // Device sessions (CONNECT admission, twin reads and writes, DPS) queue on their own lane: a fleet reconnecting or
    // acknowledging a property job at once does not hold up API requests and the job engine, nor the other way round.
    this.deviceLane = db.lane(vertx, "flotilla-db-devices", 4);
    DeviceRepository sessionDevices = new SqlDeviceRepository(deviceLane);
    ProvisioningService provisioning = new ProvisioningService(sessionDevices, templates, enrollments, clock);
    this.provisioning = provisioning;
    this.twins = new TwinService(sessionDevices, clock, exports);
    this.gateway = new MqttGateway(vertx, twins, telemetry, provisioning, meters, clock, config.hostName(),
        app.idScope(), exports);
    DeviceChannel channel = route.apply(gateway);
    this.routed = channel;
    this.queuedCommands = new QueuedCommands(new SqlCommandQueue(db), channel, clock);
    gateway.channel().queuedCommands(queuedCommands);
    this.commands = new CommandService(deviceRepo, templates, channel, new SqlCommandRepository(db), queuedCommands);
    this.modules = new ModuleService(deviceRepo, new SqlModuleRepository(db), channel, templates, clock);
    gateway.modules(modules);
    this.flushTimer = vertx.setPeriodic(TELEMETRY_FLUSH_MILLIS, t -> Future.join(telemetry.flush(),
            modules.telemetry().flush())
        .onFailure(e -> LOG.warn("Telemetry flush failed; {} values are kept for the next one: {}",
            telemetry.unsavedCount() + modules.telemetry().unsavedCount(), e.toString())));
    io.micrometer.core.instrument.Gauge.builder("flotilla.telemetry.unsaved", telemetry,
        TelemetryService::unsavedCount).description("Last telemetry values waiting to be written").register(meters);
    io.micrometer.core.instrument.Gauge.builder("flotilla.telemetry.dropped", telemetry,
        TelemetryService::droppedCount).description("Telemetry values dropped: too many waited to be written")
        .register(meters);
    this.historyTimer = vertx.setPeriodic(HISTORY_FLUSH_MILLIS, t -> history.flush()
        .onFailure(e -> LOG.warn("Writing the telemetry history failed; the batch is written again next time: {}",
            e.toString())));
    this.maintainTimer = vertx.setPeriodic(HISTORY_MAINTAIN_MILLIS, t -> history.maintain()
        .onFailure(e -> LOG.warn("Telemetry history upkeep failed (tried again next time): {}", e.toString())));
  }

  /** Creates the default enrollment group on first start and starts the MQTT listeners (blocking). */
  static GatewayWiring start(Vertx vertx, Database db, MeterRegistry meters, Config config, Application app,
                             Clock clock, DeviceRepository deviceRepo, TemplateService templates, ExportEvents exports,
                             java.util.function.Function<MqttGateway, DeviceChannel> route) {
    GatewayWiring w = new GatewayWiring(vertx, db, meters, config, app, clock, deviceRepo, templates, exports, route);
    try {
      Bootstrap.await(w.enrollments.ensureDefault());
      Bootstrap.await(w.history.maintain());
      ServerCertificate cert = config.hasMqttCertificate()
          ? new ServerCertificate(config.mqttCertificate(), config.mqttPrivateKey())
          : ServerCertificate.loadOrCreate(config.dataDir().resolve("certs"), config.hostName());
      w.certificate = cert;
      MqttGateway.Listeners listeners = new MqttGateway.Listeners(config.bind(), config.mqttPort(),
          config.mqttPlainPort(), cert.certificatePath(), cert.privateKeyPath());
      Bootstrap.await(w.gateway.start(listeners));
      Bootstrap.await(w.gateway.startWebSockets(listeners, config.mqttWsPort()));
      return w;
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  public List<ResourceRoutes> routes() {
    return List.of(new CommandRoutes(commands), new TelemetryRoutes(telemetry), new EnrollmentGroupRoutes(enrollments),
        new QueryRoutes(queries), new ModuleRoutes(modules));
  }

  /** Device admission (existence, enabled, keys), for device endpoints beside MQTT. */
  public ProvisioningService provisioning() {
    return provisioning;
  }

  /** The TLS certificate of the device listeners. */
  public ServerCertificate certificate() {
    return certificate;
  }

  /** This node's sessions only. */
  public io.flotilla.gateway.mqtt.MqttDeviceChannel channel() {
    return gateway.channel();
  }

  /** The channel the domain uses: this node's sessions, or in a cluster every node's. */
  public DeviceChannel routedChannel() {
    return routed;
  }

  /** The devices' side of their twins (reported patches from sessions). */
  public TwinService twins() {
    return twins;
  }

  public MqttGateway gateway() {
    return gateway;
  }

  public TemplateService templates() {
    return templates;
  }

  /** Durable commands waiting as C2D messages. */
  public QueuedCommands queuedCommands() {
    return queuedCommands;
  }

  public CommandService commands() {
    return commands;
  }

  public ModuleService modules() {
    return modules;
  }

  public TelemetryService telemetry() {
    return telemetry;
  }

  /** Every telemetry message: the history's writer, its retention and counters. */
  public TelemetryHistory history() {
    return history;
  }

  public EnrollmentService enrollments() {
    return enrollments;
  }

  public int mqttPort() {
    return gateway.tlsPort();
  }

  public int mqttPlainPort() {
    return gateway.plainPort();
  }

  /** The MQTT-over-WebSockets port, -1 when off. */
  public int mqttWsPort() {
    return gateway.webSocketPort();
  }

  /** Stops the listeners and writes the telemetry (latest values and history) not yet flushed (blocking; before the database closes). */
  void close() {
    vertx.cancelTimer(flushTimer);
    vertx.cancelTimer(historyTimer);
    vertx.cancelTimer(maintainTimer);
    try {
      Bootstrap.await(gateway.close());
      Bootstrap.await(telemetry.flush());
      Bootstrap.await(modules.telemetry().flush());
      Bootstrap.await(history.drain());
    } catch (RuntimeException e) {
      LOG.warn("Gateway shutdown incomplete", e);
    }
    deviceLane.close();
    historyLane.close();
    queryLane.close();
  }
}
