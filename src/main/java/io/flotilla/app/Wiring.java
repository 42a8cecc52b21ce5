package io.flotilla.app;

import io.flotilla.api.http.ApiServer;
import io.flotilla.api.http.AuditRoutes;
import io.flotilla.domain.audit.AuditLog;
import io.flotilla.storage.sql.SqlAuditRepository;
import io.flotilla.api.http.DeviceRoutes;
import io.flotilla.api.http.GroupRoutes;
import io.flotilla.api.http.DataExportRoutes;
import io.flotilla.api.http.JobEventRoutes;
import io.flotilla.api.http.LiveRoutes;
import io.flotilla.domain.device.DeviceActivity;
import io.flotilla.domain.device.FleetQuery;
import io.flotilla.api.http.JobRoutes;
import io.flotilla.api.http.ScheduledJobRoutes;
import io.flotilla.domain.job.EngineLimits;
import io.flotilla.domain.job.EngineNode;
import io.flotilla.domain.job.JobEngine;
import io.flotilla.domain.job.JobEvents;
import io.flotilla.domain.device.DeviceListener;
import io.flotilla.domain.export.DataExports;
import io.flotilla.domain.export.ExportDispatcher;
import io.flotilla.domain.export.ExportService;
import io.flotilla.domain.device.ExportSource;
import io.flotilla.storage.sql.SqlExportOutbox;
import io.flotilla.storage.sql.SqlExportRepository;
import io.flotilla.webhook.WebhookClient;
import io.flotilla.domain.job.JobKinds;
import io.flotilla.domain.job.JobScheduler;
import io.flotilla.domain.job.JobService;
import io.flotilla.domain.job.ScheduledJobService;
import io.flotilla.storage.sql.OverlayCompaction;
import io.flotilla.storage.sql.SqlJobEventLog;
import io.flotilla.storage.sql.SqlJobRepository;
import io.flotilla.storage.sql.SqlJobWork;
import io.flotilla.storage.sql.SqlScheduledJobRepository;
import io.flotilla.api.http.PropertyRoutes;
import io.flotilla.api.http.TemplateRoutes;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.device.DeviceListener;
import io.flotilla.domain.device.DeviceService;
import io.flotilla.domain.device.GroupMembers;
import io.flotilla.domain.device.PropertyService;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.template.TemplateService;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlGroupRepository;
import io.flotilla.storage.sql.SqlTemplateRepository;
import io.flotilla.api.http.ResourceRoutes;
import io.flotilla.api.http.OrganizationRoutes;
import io.flotilla.api.http.RoleRoutes;
import io.flotilla.api.http.UserRoutes;
import io.flotilla.api.http.TokenRoutes;
import io.flotilla.domain.auth.Application;
import io.flotilla.domain.auth.TokenService;
import io.flotilla.domain.auth.UserService;
import io.flotilla.domain.organization.OrganizationService;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlApplicationRepository;
import io.flotilla.storage.sql.SqlOrganizationRepository;
import io.flotilla.storage.sql.SqlTokenRepository;
import io.flotilla.storage.sql.SqlUserRepository;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import io.flotilla.gateway.mqtt.MqttGateway;
import io.flotilla.sim.Simulator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Constructs everything by hand, in dependency order, and starts the listeners. */
public final class Wiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);
  private static final long ENGINE_TICK_MS = 10;
  private static final long SCHEDULER_TICK_MS = 1000;
  /** How often a window of property-job rows is compacted ({@link OverlayCompaction}). */
  private static final long COMPACTION_TICK_MS = 1000;
  private static final int SIM_MAX_CONNECTING = 64;
  /** How often export messages are committed to the outbox, and the delivery lanes ticked for due retries. */
  private static final long EXPORT_FLUSH_MS = 100;
  private static final long EXPORT_TICK_MS = 250;
  private static final Duration WEBHOOK_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SIM_TOKEN_LIFETIME = Duration.ofHours(24);

  private final Config config;
  private final PrometheusMeterRegistry metrics;
  private final Database database;
  private final ApiServer api;
  private final String adminToken;
  private final Application application;
  private final JobEngine engine;
  private final Runnable stopTimers;
  private final Runnable stopExports;
  private final GatewayWiring gateway;
  private final JobScheduler scheduler;
  private final Simulator simulator;
  private Services services;
  private JobEvents jobEvents;
  private AuditLog audit;
  private UploadWiring uploads;

  /** The domain services, for tests and tools that drive the server from inside. */
  public record Services(TemplateService templates, GroupService groups, DeviceService devices,
                         PropertyService properties, JobService jobs) {
  }

  private Wiring(Config config, PrometheusMeterRegistry metrics, Database database, ApiServer api,
                 String adminToken, Application application, GatewayWiring gateway, JobEngine engine,
                 JobScheduler scheduler, Simulator simulator, Runnable stopTimers, Runnable stopExports) {
    this.stopExports = stopExports;
    this.simulator = simulator;
    this.gateway = gateway;
    this.engine = engine;
    this.scheduler = scheduler;
    this.stopTimers = stopTimers;
    this.config = config;
    this.metrics = metrics;
    this.database = database;
    this.api = api;
    this.adminToken = adminToken;
    this.application = application;
  }

  /** Everything, on {@code clock}: the one source of time of the server (timers measure durations only). */
  static Wiring start(Vertx vertx, Config config, Clock clock) {
    return start(vertx, config, clock, null, io.flotilla.cluster.ClusterSettings.OFF);
  }

  /** As {@link #start(Vertx, Config, Clock)}, as a member of {@code cluster} (null: on its own). */
  static Wiring start(Vertx vertx, Config config, Clock clock, io.flotilla.cluster.ClusterNode cluster,
                      io.flotilla.cluster.ClusterSettings clusterSettings) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.config().commonTags("node", config.nodeName());
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);

    Database db = Database.open(vertx, config.effectiveDbUrl(), config.dbUser(), config.dbPassword(), metrics);
    GatewayWiring gateway = null;
    Simulator simulator = null;
    try {
      var tokenRepo = new SqlTokenRepository(db);
      Application app = Bootstrap.application(new SqlApplicationRepository(db));
      String adminToken = Bootstrap.adminToken(config.dataDir(), tokenRepo, app, clock);
      var organizationRepo = new SqlOrganizationRepository(db);
      OrganizationService organizations = new OrganizationService(organizationRepo);
      TokenService tokens = new TokenService(tokenRepo, app, clock, organizations);

      var deviceRepo = new SqlDeviceRepository(db);
      GroupService groups = new GroupService(new SqlGroupRepository(db), organizations);
      TemplateService templates = new TemplateService(new SqlTemplateRepository(db), groups);
      var exportRepo = new SqlExportRepository(db);
      var outbox = new SqlExportOutbox(db);
      DataExports dataExports = new DataExports(exportRepo, outbox, app.id(), clock);
      Bootstrap.await(dataExports.reload());
      ClusterWiring clustering = ClusterWiring.of(cluster, clusterSettings, config, clock);
      DeviceActivity activity = new DeviceActivity(dataExports);
      gateway = GatewayWiring.start(vertx, db, metrics, config, app, clock, deviceRepo, templates, activity,
          clustering::channel);
      DeviceChannel channel = gateway.routedChannel();
      if (channel instanceof io.flotilla.cluster.RoutedChannel routed) {
        io.micrometer.core.instrument.Gauge.builder("flotilla.cluster.calls.in.flight", routed,
            io.flotilla.cluster.RoutedChannel::inFlight)
            .description("Device calls waiting for another node's answer or for their device to connect anywhere")
            .register(metrics);
      }
      int simPort = Bootstrap.await(gateway.gateway().loopbackPlainPort());
      simulator = new Simulator(vertx, deviceRepo, templates, new Simulator.Settings(MqttGateway.LOOPBACK, simPort,
          config.hostName(), config.simTelemetryInterval(), SIM_MAX_CONNECTING, SIM_TOKEN_LIFETIME), clock);
      JobEvents jobEvents = new JobEvents(new SqlJobEventLog(db));
      jobEvents.exportWhile(() -> dataExports.wants(ExportSource.JOBS));
      var jobRepo = new SqlJobRepository(db, jobEvents);
      var jobWork = new SqlJobWork(db, jobEvents);
      JobEngine engine = new JobEngine(jobRepo, jobWork, groups,
          new JobKinds(jobWork, channel, config.jobCommandTimeout(), clock, templates, gateway.queuedCommands()), clock,
          new EngineLimits(EngineLimits.DEFAULT.maxInFlight(), EngineLimits.DEFAULT.claimPerTick(),
              EngineLimits.DEFAULT.resultsPerWrite(), config.jobCommandTimeout()),
          EngineNode.start(config.nodeName(), clusterSettings.lease()));
      gateway.queuedCommands().onDelivered(d -> {
        if (d.message().jobId() != null && d.jobMessagesLeft() == 0) {
          engine.delivered(d.message().jobId(), d.message().deviceId());
        }
      });
      DeviceService devices = new DeviceService(deviceRepo, templates, channel, app.idScope(),
          DeviceListener.all(clustering.simulatorListener(vertx, simulator), dataExports, new JobJoiners(engine)),
          config.simMaxDevices(), organizations);
      PropertyService properties = new PropertyService(deviceRepo, templates, channel, clock);

      AuditLog audit = new AuditLog(new SqlAuditRepository(db), clock, config.auditRetention());
      List<ResourceRoutes> resources = new ArrayList<>();
      resources.add(new TokenRoutes(tokens));
      resources.add(new AuditRoutes(audit));
      resources.add(new io.flotilla.api.http.ClusterRoutes(clustering));
      resources.add(new RoleRoutes(organizations::any));
      resources.add(new OrganizationRoutes(organizations));
      resources.add(new UserRoutes(new UserService(new SqlUserRepository(db), organizations)));
      resources.add(new TemplateRoutes(templates));
      resources.add(new DeviceRoutes(devices, new FleetQuery(deviceRepo, activity)));
      resources.add(new io.flotilla.api.http.RelationshipRoutes(new io.flotilla.domain.device.RelationshipService(
          new io.flotilla.storage.sql.SqlRelationshipRepository(db), deviceRepo, organizationRepo)));
      resources.add(new PropertyRoutes(properties));
      resources.add(new GroupRoutes(groups, new GroupMembers(groups, deviceRepo)));
      resources.addAll(gateway.routes());
      UploadWiring uploads = UploadWiring.start(vertx, db, config, clock, gateway);
      resources.add(uploads.routes());

      Bootstrap.await(engine.recover());
      gateway.gateway().presence(engine::deviceOnline);
      gateway.twins().listen(engine::reported);
      io.micrometer.core.instrument.Gauge.builder("flotilla.jobs.commands.in.flight", engine, JobEngine::inFlight)
          .description("Job commands sent and not yet answered").register(metrics);
      io.micrometer.core.instrument.Gauge.builder("flotilla.jobs.active", engine, JobEngine::activeJobs)
          .description("Jobs the engine is working on or holding stopped").register(metrics);
      JobService jobs = new JobService(jobRepo, groups, new GroupMembers(groups, deviceRepo), templates, engine, clock,
          organizations);
      resources.add(new JobRoutes(jobs));
      resources.add(new JobEventRoutes(jobEvents, vertx, clock));
      resources.add(new LiveRoutes(activity, devices, jobEvents, jobs, vertx));
      io.micrometer.core.instrument.Gauge.builder("flotilla.jobs.event.streams", jobEvents, JobEvents::watches)
          .description("Open job event streams").register(metrics);
      var scheduledRepo = new SqlScheduledJobRepository(db);
      resources.add(new ScheduledJobRoutes(new ScheduledJobService(scheduledRepo, jobs, groups, templates,
          organizations)));
      JobScheduler scheduler = new JobScheduler(scheduledRepo, jobs, clock);
      WebhookClient webhooks = new WebhookClient(vertx, WEBHOOK_CONNECT_TIMEOUT, WEBHOOK_TIMEOUT,
          ExportDispatcher.Limits.DEFAULT.perDestination());
      ExportDispatcher dispatcher = new ExportDispatcher(outbox, exportRepo, dataExports, jobEvents, webhooks, clock,
          ExportDispatcher.Limits.DEFAULT);
      Bootstrap.await(dispatcher.reload());
      dataExports.onCommitted(dispatcher::wake);
      jobEvents.watchEveryJob(() -> {
        if (dataExports.wants(ExportSource.JOBS)) {
          dispatcher.wake();
        }
      });
      ExportService exportService = new ExportService(exportRepo, dataExports, dispatcher);
      resources.add(new DataExportRoutes(exportService));
      io.micrometer.core.instrument.Gauge.builder("flotilla.export.deliveries.in.flight", dispatcher,
          ExportDispatcher::inFlight).description("Data-export posts in flight").register(metrics);
      io.micrometer.core.instrument.Gauge.builder("flotilla.export.messages.dropped", dataExports,
          DataExports::dropped).description("Export messages dropped: too many waited for the outbox")
          .register(metrics);
      long exportFlushTimer = vertx.setPeriodic(EXPORT_FLUSH_MS, id -> dataExports.flush());
      long exportTimer = vertx.setPeriodic(EXPORT_TICK_MS, id -> dispatcher.tick());
      long engineTimer = vertx.setPeriodic(ENGINE_TICK_MS, id -> engine.tick());
      long leaseTimer = vertx.setPeriodic(engine.node().lease().dividedBy(3).toMillis(), id -> engine.renewLeases());
      long schedulerTimer = vertx.setPeriodic(SCHEDULER_TICK_MS, id -> scheduler.tick());
      OverlayCompaction compaction = new OverlayCompaction(db);
      long compactionTimer = vertx.setPeriodic(COMPACTION_TICK_MS, id -> compaction.tick());
      long auditTimer = vertx.setPeriodic(config.auditPruneInterval().toMillis(), id -> audit.prune()
          .onFailure(e -> LOG.warn("Pruning the audit log failed (tried again next time): {}", e.toString())));
      ApiServer api = new ApiServer(vertx, tokens, audit, metrics, db::ping, config.maxBodyBytes(), resources,
          organizationRepo);
      api.cluster(clustering);
      MqttGateway mqtt = gateway.gateway();
      api.listeners(() -> java.util.Map.of("mqtt", mqtt.tlsPort(), "mqttWebSockets", java.util.Map.of(
          "port", mqtt.webSocketPort(), "state", mqtt.webSocketState())));
      Bootstrap.await(api.listen(config.bind(), config.httpPort()));
      clustering.start(vertx, engine, simulator, exportService, api.port(), gateway.mqttPort());
      Bootstrap.await(simulator.start());

      Wiring w = new Wiring(config, metrics, db, api, adminToken, app, gateway, engine, scheduler, simulator, () -> {
        clustering.stop(vertx);
        vertx.cancelTimer(schedulerTimer);
        vertx.cancelTimer(engineTimer);
        vertx.cancelTimer(leaseTimer);
        vertx.cancelTimer(compactionTimer);
        vertx.cancelTimer(exportTimer);
        vertx.cancelTimer(exportFlushTimer);
        vertx.cancelTimer(auditTimer);
        Bootstrap.await(compaction.idle());
      }, () -> {
        Bootstrap.await(dataExports.flush());
        dispatcher.stop();
        webhooks.close();
      });
      w.services = new Services(templates, groups, devices, properties, jobs);
      w.jobEvents = jobEvents;
      w.audit = audit;
      w.uploads = uploads;
      w.writePorts();
      LOG.info("Flotilla listening: REST API on http://{}:{}", config.bind(), api.port());
      return w;
    } catch (RuntimeException e) {
      if (simulator != null) {
        Bootstrap.await(simulator.close());
      }
      if (gateway != null) {
        gateway.close();
      }
      db.close();
      throw e;
    }
  }

  private void writePorts() {
    try {
      Files.writeString(config.dataDir().resolve("ports.json"),
          "{\"http\": " + httpPort() + ", \"mqtt\": " + mqttPort()
              + (gateway.mqttPlainPort() > 0 ? ", \"mqttPlain\": " + gateway.mqttPlainPort() : "")
              + (gateway.mqttWsPort() > 0 ? ", \"mqttWs\": " + gateway.mqttWsPort() : "")
              + (uploads.httpsPort() > 0 ? ", \"deviceHttps\": " + uploads.httpsPort() : "") + "}\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int httpPort() {
    return api.port();
  }

  public int mqttPort() {
    return gateway.mqttPort();
  }

  public GatewayWiring gateway() {
    return gateway;
  }

  public String adminToken() {
    return adminToken;
  }

  public Application application() {
    return application;
  }

  public ApiServer api() {
    return api;
  }

  public Database database() {
    return database;
  }

  private static boolean sleepBriefly() {
    try {
      Thread.sleep(20);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** File uploads: the configuration service, the upload directory and the device HTTPS port. */
  public UploadWiring uploads() {
    return uploads;
  }

  /** The audit log of accepted REST writes. */
  public AuditLog auditLog() {
    return audit;
  }

  public Services services() {
    return services;
  }

  /** Jobs' event logs and their watches. */
  public JobEvents jobEvents() {
    return jobEvents;
  }

  public JobEngine jobEngine() {
    return engine;
  }

  public Simulator simulator() {
    return simulator;
  }

  public JobScheduler jobScheduler() {
    return scheduler;
  }

  @Override
  public void close() {
    stopTimers.run();
    Bootstrap.await(simulator.close());
    Bootstrap.await(scheduler.idle());
    // Let commands in flight be answered and recorded (up to a few seconds) so a clean stop leaves nothing Interrupted;
    // no new device is started meanwhile.
    engine.drain();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    do {
      Bootstrap.await(engine.tick());
    } while (engine.inFlight() > 0 && System.nanoTime() < deadline && sleepBriefly());
    Bootstrap.await(engine.tick());
    stopExports.run();
    Bootstrap.await(api.close());
    uploads.close();
    gateway.close();
    database.close();
  }
}
