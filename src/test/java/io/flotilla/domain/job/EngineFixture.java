package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceService;
import io.flotilla.domain.device.PropertyService;
import io.flotilla.domain.device.Twin;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.template.TemplateService;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlGroupRepository;
import io.flotilla.storage.sql.SqlJobRepository;
import io.flotilla.storage.sql.SqlJobWork;
import io.flotilla.storage.sql.SqlTemplateRepository;
import io.flotilla.testing.ManualClock;
import io.flotilla.testing.ScratchDirectories;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A job engine over a real H2 database, driven by hand: {@link #tick()} advances it one pass. Devices are reached
 * through a {@link FakeChannel}.
 */
final class EngineFixture implements AutoCloseable {
  static final String TRUCK = "dtmi:test:truck;1";
  static final String VAN = "dtmi:test:van;1";
  static final ObjectMapper JSON = new ObjectMapper();

  final Vertx vertx = Vertx.vertx();
  final Database db;
  final FakeChannel channel = new FakeChannel();
  final SqlDeviceRepository deviceRepo;
  final SqlJobRepository jobRepo;
  final SqlJobWork jobWork;
  final GroupService groups;
  final TemplateService templates;
  final DeviceService devices;
  final PropertyService properties;
  final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  JobEngine engine;
  JobService jobs;
  private final EngineLimits limits;

  EngineFixture(EngineLimits limits) throws Exception {
    this.limits = limits;
    Path dir = ScratchDirectories.create("engine-test");
    db = Database.open(vertx, "jdbc:h2:file:" + dir.resolve("db"), null, null, null);
    deviceRepo = new SqlDeviceRepository(db);
    jobRepo = new SqlJobRepository(db);
    jobWork = new SqlJobWork(db);
    groups = new GroupService(new SqlGroupRepository(db));
    templates = new TemplateService(new SqlTemplateRepository(db), groups);
    devices = new DeviceService(deviceRepo, templates, channel, "0ne00000000");
    properties = new PropertyService(deviceRepo, templates, channel, clock);
    newEngine();
    await(templates.put(TRUCK, template("Truck")));
    await(templates.put(VAN, template("Van")));
  }

  EngineFixture() throws Exception {
    this(new EngineLimits(100, 50, 100, Duration.ofSeconds(30)));
  }

  /** A fresh engine over the same database (what a restart gets). */
  JobEngine newEngine() {
    engine = engineOf("test");
    jobs = new JobService(jobRepo, groups, new io.flotilla.domain.device.GroupMembers(groups, deviceRepo), templates, engine, clock);
    return engine;
  }

  /** Another engine on the same database, as node {@code node} would run it (the fixture's engine stays). */
  JobEngine engineOf(String node) {
    return new JobEngine(jobRepo, jobWork, groups, new JobKinds(jobWork, channel, limits.commandTimeout(), clock),
        clock, limits, EngineNode.start(node, EngineNode.DEFAULT_LEASE));
  }

  static ObjectNode template(String name) throws Exception {
    return (ObjectNode) JSON.readTree("""
        {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "%s",
         "capabilityModel": {"@type": "Interface", "contents": [
           {"@type": "Property", "name": "TargetTemperature", "schema": "double", "writable": true},
           {"@type": ["Property", "Cloud"], "name": "CustomerName", "schema": "string"},
           {"@type": "Command", "name": "reboot", "request": {"name": "delay", "schema": "integer"}},
           {"@type": "Component", "name": "settings", "schema": {"@type": "Interface", "contents": [
             {"@type": "Property", "name": "fan", "schema": "double", "writable": true}]}}]}}
        """.formatted(name));
  }

  /** Registers devices {@code prefix-01..}, of {@code template}, and a group holding exactly them. */
  List<String> fleet(String prefix, int n, String template) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String id = String.format("%s-%02d", prefix, i);
      await(devices.put(id, new DeviceService.Definition(null, template, true, false, null, null)));
      ids.add(id);
    }
    await(groups.put(prefix, new GroupService.Definition(prefix, null,
        "SELECT * FROM devices WHERE $id IN [" + String.join(", ", ids.stream().map(s -> "\"" + s + "\"").toList())
            + "]", null, null)));
    return ids;
  }

  Job create(String id, String group, JobItem item, JobBatch batch, CancellationThreshold threshold) {
    return create(id, group, item, batch, threshold, JobOptions.NONE);
  }

  Job create(String id, String group, JobItem item, JobBatch batch, CancellationThreshold threshold,
             JobOptions options) {
    return await(jobs.create(id, new JobDefinition(id, null, group, List.of(item), batch, threshold, null, options)));
  }

  /** Job extensions from their API JSON. */
  static JobOptions options(String json) {
    try {
      return JobOptions.fromJson((ObjectNode) JSON.readTree(json));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static JobItem reboot() {
    return new JobItem("command", TRUCK, "reboot", JSON.getNodeFactory().numberNode(10), null);
  }

  static JobItem targetTemperature(double v) {
    return new JobItem("PropertyJobData", TRUCK, "TargetTemperature", JSON.getNodeFactory().numberNode(v), null);
  }

  void tick() {
    await(engine.tick());
  }

  /** Ticks until {@code done} holds (at most {@code max} ticks); fails the test otherwise. */
  void tickUntil(BooleanSupplier done, int max) {
    for (int i = 0; i < max; i++) {
      if (done.getAsBoolean()) {
        return;
      }
      tick();
    }
    if (!done.getAsBoolean()) {
      throw new AssertionError("condition not reached after " + max + " ticks");
    }
  }

  Job job(String id) {
    return await(jobs.get(id));
  }

  JobStatus status(String id) {
    return job(id).status();
  }

  List<DeviceResult> results(String id) {
    return await(jobRepo.devices(id, PageRequest.first(100))).items().stream().map(JobDevice::result).toList();
  }

  Device device(String id) {
    return await(devices.get(id));
  }

  Twin twin(String id) {
    return await(deviceRepo.twin(id)).orElseThrow();
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  @Override
  public void close() {
    db.close();
    vertx.close();
  }
}
