package io.flotilla.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.TrustOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the scenarios share: the REST client, the load-test template and groups, the registered devices and the live
 * fleet. Methods here block the calling (main) thread, never an event loop.
 */
public final class Rig implements AutoCloseable {
  private final LoadOptions options;
  private final Vertx vertx;
  private final FlotillaApi api;
  private final DeviceFleet fleet;
  private final TrustOptions trust;
  private final List<ScenarioResult> setup = new ArrayList<>();
  private List<DeviceIdentity> live;
  private boolean registeredReady;
  private String lastPropertyJob;

  public Rig(LoadOptions options, Vertx vertx, FlotillaApi api) {
    this.options = options;
    this.vertx = vertx;
    this.api = api;
    this.trust = options.ca == null ? null : trustOnly(options.ca);
    this.fleet = new DeviceFleet(vertx, options.mqttHost, options.gatewayPorts(), trust, new FleetEvents());
  }

  /**
   * One trust manager for every session, built once: with PEM trust options each client would parse the file and
   * build its own trust store on its event loop (measured: ~35 ms of loop time per connection).
   */
  static TrustOptions trustOnly(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca" + i++, cert);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return TrustOptions.wrap(tmf);
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot read " + pem + ": " + e, e);
    }
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(1, TimeUnit.HOURS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public LoadOptions options() {
    return options;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The baseline brokers this run was given (plain, then TLS). */
  List<RelayBroker> relayBrokers() {
    return RelayBroker.of(options, trust);
  }

  public FlotillaApi api() {
    return api;
  }

  public DeviceFleet fleet() {
    return fleet;
  }

  /** Results of the setup steps (device creation rates), reported with the scenarios. */
  public List<ScenarioResult> setup() {
    return setup;
  }

  public String templateId() {
    return "dtmi:flotilla:loadgen:" + options.prefix + ";1";
  }

  /** Every device of the load-test template: the live ones and the registered-only ones. */
  public String allGroup() {
    return options.prefix + "-all";
  }

  /** Only the live devices ({@code {prefix}-live-…}). */
  public String liveGroup() {
    return options.prefix + "-live";
  }

  public String jobId(String kind) {
    return options.prefix + "-" + kind + "-" + System.currentTimeMillis();
  }

  public String lastPropertyJob() {
    return lastPropertyJob;
  }

  public void lastPropertyJob(String jobId) {
    this.lastPropertyJob = jobId;
  }

  static String liveId(String prefix, int i) {
    return "%s-live-%06d".formatted(prefix, i);
  }

  static String registeredId(String prefix, int i) {
    return "%s-reg-%06d".formatted(prefix, i);
  }

  /** The template (a {@code reboot} command, a writable double {@code targetTemperature}) and the two groups. */
  public void prepareTemplate() {
    JsonObject template = new JsonObject()
        .put("@type", new JsonArray().add("ModelDefinition").add("DeviceModel"))
        .put("displayName", "Load test " + options.prefix)
        .put("capabilityModel", new JsonObject()
            .put("@id", "dtmi:flotilla:loadgen:" + options.prefix + ":model;1")
            .put("@type", "Interface")
            .put("contents", new JsonArray()
                .add(new JsonObject().put("@type", "Command").put("name", "reboot")
                    .put("request", new JsonObject().put("@type", "CommandPayload").put("name", "delay")
                        .put("schema", "integer")))
                .add(new JsonObject().put("@type", "Property").put("name", "targetTemperature")
                    .put("schema", "double").put("writable", true))
                .add(new JsonObject().put("@type", "Telemetry").put("name", "temperature")
                    .put("schema", "double"))));
    String path = "/api/deviceTemplates/" + templateId().replace(";", "%3B");
    await(api.put(path, template).recover(e -> e instanceof FlotillaApi.ApiError a && a.status() == 409
        ? Future.succeededFuture(new JsonObject()) : Future.failedFuture(e)));
    String byTemplate = "$template = \"" + templateId() + "\"";
    await(api.put("/api/deviceGroups/" + allGroup(), new JsonObject()
        .put("displayName", "Load test " + options.prefix + " - all").put("filter", "SELECT * FROM devices WHERE " + byTemplate)));
    await(api.put("/api/deviceGroups/" + liveGroup(), new JsonObject()
        .put("displayName", "Load test " + options.prefix + " - live")
        .put("filter", "SELECT * FROM devices WHERE " + byTemplate + " AND contains($id, \"" + options.prefix + "-live-\")")));
  }

  /** The live devices with their keys: created (or, with {@code --reuse}, read) through the REST API concurrently. */
  public synchronized List<DeviceIdentity> liveDevices() {
    if (live != null) {
      return live;
    }
    int n = options.devices;
    DeviceIdentity[] found = new DeviceIdentity[n];
    Bounded.Tally t = await(Bounded.run(n, options.createConcurrency, i -> {
      String id = liveId(options.prefix, i);
      Future<JsonObject> credentials = options.reuse
          ? credentials(id).recover(e -> create(id).compose(v -> credentials(id)))
          : create(id).compose(v -> credentials(id));
      return credentials.onSuccess(c -> found[i] = new DeviceIdentity(id,
          c.getJsonObject("symmetricKey").getString("primaryKey")));
    }));
    setup.add(new ScenarioResult(options.reuse ? "setup: read live device keys" : "setup: create live devices")
        .put("devices", n).put("ok", t.ok()).put("failed", t.failed()).put("ms", ScenarioResult.millis(t.nanos()))
        .put("devices_per_s", t.perSecond()).put("concurrency", options.createConcurrency)
        .put("requests_per_device", options.reuse ? 1 : 2)
        .note(t.firstError() == null ? "PUT device + GET credentials per device" : "first error: " + t.firstError()));
    List<DeviceIdentity> ok = new ArrayList<>();
    for (DeviceIdentity d : found) {
      if (d != null) {
        ok.add(d);
      }
    }
    live = Collections.unmodifiableList(ok);
    return live;
  }

  /** Registered-only devices so the template has {@code --registered} devices in all (skipped with --reuse). */
  public synchronized void registeredDevices() {
    liveDevices();
    if (registeredReady) {
      return;
    }
    registeredReady = true;
    int n = Math.max(0, options.registered - options.devices);
    if (options.reuse) {
      setup.add(new ScenarioResult("setup: registered devices").put("devices", n)
          .note("--reuse: assumed to exist from an earlier run; the job's progress.total is the real count"));
      return;
    }
    Bounded.Tally t = await(Bounded.run(n, options.createConcurrency, i -> create(registeredId(options.prefix, i))));
    setup.add(new ScenarioResult("setup: create registered devices")
        .put("devices", n).put("ok", t.ok()).put("failed", t.failed()).put("ms", ScenarioResult.millis(t.nanos()))
        .put("devices_per_s", t.perSecond()).put("concurrency", options.createConcurrency)
        .note(t.firstError() == null ? "one PUT per device" : "first error: " + t.firstError()));
  }

  /** Connects the live fleet (bounded by --ramp-concurrency) unless it is connected already. */
  public DeviceFleet.Connected connectFleet(int concurrency) {
    java.util.Set<String> connected = new java.util.HashSet<>();
    fleet.clients().forEach(c -> connected.add(c.deviceId()));
    List<DeviceIdentity> missing = liveDevices().stream().filter(d -> !connected.contains(d.id())).toList();
    return missing.isEmpty() ? null : await(fleet.connect(missing, concurrency));
  }

  private Future<JsonObject> create(String id) {
    return api.put("/api/devices/" + id, new JsonObject().put("displayName", id).put("template", templateId())
        .put("enabled", true));
  }

  private Future<JsonObject> credentials(String id) {
    return api.get("/api/devices/" + id + "/credentials");
  }

  /** One scrape of the server's metrics; with --server-pid, after {@code jcmd <pid> GC.run}. */
  public ServerSample sample(boolean gcFirst) {
    if (gcFirst && options.serverPid > 0) {
      try {
        new ProcessBuilder("jcmd", Long.toString(options.serverPid), "GC.run")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
      } catch (IOException e) {
        // no jcmd: read the heap as it is
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ServerSample.parse(await(api.metricsText()));
  }

  @Override
  public void close() {
    await(fleet.close(options.rampConcurrency));
  }
}
