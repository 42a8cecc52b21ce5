package io.flotilla.sim;

import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.template.CapabilityModel;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Simulated devices through the REST API of a real server: they behave like connected real devices. */
class SimulatedDevicesTest {
  private static final Duration UP = Duration.ofSeconds(10);
  private static TestServer server;
  private static ApiClient api;
  private static String template;
  private static final CapabilityModel MODEL = DeviceBehaviourTest.parse(DeviceBehaviourTest.MODEL);

  @BeforeAll
  static void start() {
    server = TestServer.start(c -> c.withSimTelemetryInterval(Duration.ofSeconds(1)).withSimMaxDevices(5));
    api = server.api();
    template = publishTemplate(api);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String publishTemplate(ApiClient api) {
    String id = Templates.newId("sim");
    assertOk(api.put(Templates.path(id), """
        {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "Simulated thing", "capabilityModel": %s}
        """.formatted(DeviceBehaviourTest.MODEL)));
    return id;
  }

  static String simulated(ApiClient api, String prefix, String template) {
    return Devices.create(api, Devices.newId(prefix),
        "{\"displayName\":\"Sim\",\"template\":\"" + template + "\",\"simulated\":true}");
  }

  static ApiClient.Response reboot(ApiClient api, String device) {
    return api.post("/api/devices/" + device + "/commands/reboot", "{\"request\": 5, \"responseTimeout\": 5}");
  }

  static void awaitOnline(ApiClient api, String device) {
    await().atMost(UP).pollInterval(Duration.ofMillis(100))
        .until(() -> reboot(api, device).status() == 201);
  }

  @Test
  void aSimulatedDeviceComesUpSendsTelemetryAndAnswersCommands() throws Exception {
    String id = simulated(api, "sim-up", template);
    long created = System.nanoTime();
    awaitOnline(api, id);
    assertThat(Duration.ofNanos(System.nanoTime() - created)).as("started within one second")
        .isLessThan(Duration.ofSeconds(1));
    assertThat(assertOk(api.get("/api/devices/" + id)).path("provisioned").asBoolean()).isTrue();

    await().atMost(UP).until(() -> api.get("/api/devices/" + id + "/telemetry/temperature").status() == 200);
    JsonNode t = assertOk(api.get("/api/devices/" + id + "/telemetry/temperature"));
    MODEL.telemetry(null, "temperature").orElseThrow().schema().check(t.path("value"), "temperature");
    await().atMost(UP).until(() -> api.get("/api/devices/" + id + "/telemetry/location").status() == 200);
    MODEL.telemetry(null, "location").orElseThrow().schema()
        .check(assertOk(api.get("/api/devices/" + id + "/telemetry/location")).path("value"), "location");
    await().atMost(UP).until(() ->
        api.get("/api/devices/" + id + "/components/settings/telemetry/voltage").status() == 200);
    JsonNode first = assertOk(api.get("/api/devices/" + id + "/telemetry/temperature"));
    await().atMost(UP).until(() -> !assertOk(api.get("/api/devices/" + id + "/telemetry/temperature"))
        .path("timestamp").equals(first.path("timestamp")));

    for (int i = 0; i < 3; i++) {
      ApiClient.Response r = reboot(api, id);
      assertThat(r.status()).as(r.text()).isEqualTo(201);
      assertThat(r.json().path("responseCode").asInt()).isEqualTo(200);
      assertThat(r.json().path("request").asInt()).isEqualTo(5);
      MODEL.command(null, "reboot").orElseThrow().response().orElseThrow().schema()
          .check(r.json().path("response"), "response");
    }
    JsonNode ping = assertStatus(api.post("/api/devices/" + id + "/commands/ping", "{}"), 201);
    assertThat(ping.path("responseCode").asInt()).isEqualTo(200);
    assertThat(ping.has("response")).as(ping.toString()).isFalse();
    JsonNode calibrate = assertStatus(
        api.post("/api/devices/" + id + "/components/settings/commands/calibrate", "{}"), 201);
    assertThat(calibrate.path("response").isBoolean()).as(calibrate.toString()).isTrue();
  }

  @Test
  void itReportsReadOnlyPropertiesAndAcceptsWritableOnes() {
    String id = simulated(api, "sim-props", template);
    awaitOnline(api, id);
    await().atMost(UP).until(() -> assertOk(api.get("/api/devices/" + id + "/properties")).has("serialNumber"));
    assertThat(assertOk(api.get("/api/devices/" + id + "/components/settings/properties")).path("firmware")
        .isTextual()).isTrue();

    assertStatus(api.patch("/api/devices/" + id + "/properties", "{\"TargetTemperature\": -3.5}"), 202);
    assertStatus(api.patch("/api/devices/" + id + "/components/settings/properties", "{\"fanSpeed\": 2}"), 202);
    await().atMost(UP).untilAsserted(() -> {
      JsonNode props = assertOk(api.get("/api/devices/" + id + "/properties"));
      assertThat(props.path("$metadata").path("TargetTemperature").path("ackState").asText()).isEqualTo("accepted");
      assertThat(props.path("TargetTemperature").asDouble()).isEqualTo(-3.5);
      assertThat(props.path("$metadata").path("TargetTemperature").path("ackVersion").asLong())
          .isEqualTo(props.path("$metadata").path("TargetTemperature").path("desiredVersion").asLong());
      JsonNode comp = assertOk(api.get("/api/devices/" + id + "/components/settings/properties"));
      assertThat(comp.path("$metadata").path("fanSpeed").path("ackState").asText()).isEqualTo("accepted");
    });
  }

  @Test
  void blockingDisconnectsItAndUnblockingBringsItBackToAcknowledgeWhatChanged() {
    String id = simulated(api, "sim-block", template);
    awaitOnline(api, id);

    assertOk(api.patch("/api/devices/" + id, "{\"enabled\": false}"));
    await().atMost(UP).until(() -> "DeviceNotOnline".equals(reboot(api, id).errorCode()));
    assertError(reboot(api, id), 404, "DeviceNotOnline");
    assertStatus(api.patch("/api/devices/" + id + "/properties", "{\"TargetTemperature\": 7.25}"), 202);
    sleep(1500);
    assertError(reboot(api, id), 404, "DeviceNotOnline");
    assertThat(assertOk(api.get("/api/devices/" + id + "/properties")).path("$metadata").path("TargetTemperature")
        .path("ackState").asText()).isEqualTo("pending");

    assertOk(api.patch("/api/devices/" + id, "{\"enabled\": true}"));
    long unblocked = System.nanoTime();
    awaitOnline(api, id);
    assertThat(Duration.ofNanos(System.nanoTime() - unblocked)).isLessThan(Duration.ofSeconds(1));
    await().atMost(UP).untilAsserted(() -> assertThat(assertOk(api.get("/api/devices/" + id + "/properties"))
        .path("$metadata").path("TargetTemperature").path("ackState").asText()).isEqualTo("accepted"));

    assertOk(api.patch("/api/devices/" + id, "{\"simulated\": false}"));
    await().atMost(UP).until(() -> "DeviceNotOnline".equals(reboot(api, id).errorCode()));
    assertOk(api.patch("/api/devices/" + id, "{\"simulated\": true}"));
    awaitOnline(api, id);
    assertStatus(api.delete("/api/devices/" + id), 204);
    assertThat(server.server().wiring().simulator().runningCount()).isLessThanOrEqualTo(5);
    await().atMost(UP).until(() -> !server.server().wiring().gateway().gateway().channel().connectedHere(id));
  }

  @Test
  void theLimitOfSimulatedDevicesAnswers400() {
    try (TestServer small = TestServer.start(c -> c.withSimMaxDevices(2))) {
      ApiClient a = small.api();
      String tpl = publishTemplate(a);
      String one = simulated(a, "lim", tpl);
      simulated(a, "lim", tpl);
      ApiClient.Response third = a.put("/api/devices/" + Devices.newId("lim"),
          "{\"template\":\"" + tpl + "\",\"simulated\":true}");
      assertThat(assertError(third, 400, "BadRequest")).contains("simulated", "2");
      String real = Devices.createTruck(a, "lim-real", tpl);
      assertThat(assertError(a.patch("/api/devices/" + real, "{\"simulated\":true}"), 400, "BadRequest"))
          .contains("--sim-max-devices");
      assertOk(a.patch("/api/devices/" + one, "{\"displayName\":\"still simulated, no new simulation\"}"));
      assertOk(a.patch("/api/devices/" + one, "{\"enabled\":false}"));
      assertError(a.patch("/api/devices/" + real, "{\"simulated\":true}"), 400, "BadRequest");
      assertStatus(a.delete("/api/devices/" + one), 204);
      assertThat(assertOk(a.patch("/api/devices/" + real, "{\"simulated\":true}")).path("simulated").asBoolean())
          .isTrue();
    }
  }

  @Test
  void aRestartBringsEverySimulatedDeviceBack() {
    TestServer first = TestServer.start(c -> c.withSimTelemetryInterval(Duration.ofSeconds(1)));
    String tpl = publishTemplate(first.api());
    List<String> sims = List.of(simulated(first.api(), "rs", tpl), simulated(first.api(), "rs", tpl),
        simulated(first.api(), "rs", tpl));
    String blocked = simulated(first.api(), "rs-blocked", tpl);
    assertOk(first.api().patch("/api/devices/" + blocked, "{\"enabled\":false}"));
    sims.forEach(id -> awaitOnline(first.api(), id));
    first.stop();

    TestServer second = TestServer.restart(first.dataDir(), c -> c.withSimTelemetryInterval(Duration.ofSeconds(1)));
    try {
      ApiClient a = second.api();
      sims.forEach(id -> awaitOnline(a, id));
      assertThat(second.server().wiring().simulator().runningCount()).isEqualTo(3);
      assertError(reboot(a, blocked), 404, "DeviceNotOnline");
      assertOk(a.patch("/api/devices/" + blocked, "{\"enabled\":true}"));
      awaitOnline(a, blocked);
    } finally {
      second.close();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
