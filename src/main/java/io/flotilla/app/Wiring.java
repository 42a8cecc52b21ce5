package io.flotilla.app;

import io.flotilla.api.http.ApiServer;
import io.flotilla.api.http.ResourceRoutes;
import io.flotilla.api.http.RoleRoutes;
import io.flotilla.api.http.TokenRoutes;
import io.flotilla.domain.auth.Application;
import io.flotilla.domain.auth.TokenService;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlApplicationRepository;
import io.flotilla.storage.sql.SqlTokenRepository;
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
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Constructs everything by hand, in dependency order, and starts the listeners. */
public final class Wiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

  private final Config config;
  private final PrometheusMeterRegistry metrics;
  private final Database database;
  private final ApiServer api;
  private final String adminToken;
  private final Application application;
  private final GatewayWiring gateway;

  private Wiring(Config config, PrometheusMeterRegistry metrics, Database database, ApiServer api,
                 String adminToken, Application application, GatewayWiring gateway) {
    this.gateway = gateway;
    this.config = config;
    this.metrics = metrics;
    this.database = database;
    this.api = api;
    this.adminToken = adminToken;
    this.application = application;
  }

  static Wiring start(Vertx vertx, Config config) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);

    Database db = Database.open(vertx, config.effectiveDbUrl(), config.dbUser(), config.dbPassword(), metrics);
    GatewayWiring gateway = null;
    try {
      var tokenRepo = new SqlTokenRepository(db);
      Application app = Bootstrap.application(new SqlApplicationRepository(db));
      String adminToken = Bootstrap.adminToken(config.dataDir(), tokenRepo, app, clock);
      TokenService tokens = new TokenService(tokenRepo, app, clock);

      List<ResourceRoutes> resources = new ArrayList<>();
      resources.add(new TokenRoutes(tokens));
      resources.add(new RoleRoutes());
      gateway = GatewayWiring.start(vertx, db, metrics, config, app, clock);
      resources.addAll(gateway.routes());
      ApiServer api = new ApiServer(vertx, tokens, metrics, db::ping, config.maxBodyBytes(), resources);
      Bootstrap.await(api.listen(config.bind(), config.httpPort()));

      Wiring w = new Wiring(config, metrics, db, api, adminToken, app, gateway);
      w.writePorts();
      LOG.info("Flotilla listening: REST API on http://{}:{}", config.bind(), api.port());
      return w;
    } catch (RuntimeException e) {
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
          "{\"http\": " + httpPort() + ", \"mqtt\": " + mqttPort() + "}\n");
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

  @Override
  public void close() {
    Bootstrap.await(api.close());
    gateway.close();
    database.close();
  }
}
