package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.GatewayFixture.await;
import static io.flotilla.gateway.mqtt.GatewayFixture.caCert;
import static io.flotilla.gateway.mqtt.GatewayFixture.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.device.QueuedCommand;
import io.flotilla.domain.device.QueuedCommands;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Durable ("Queue if offline") commands end to end: the REST call answers 202, the command waits as a C2D message and
 * reaches the device (Vert.x MQTT client) with QoS 1 when it subscribes; sent again until its PUBACK arrives; dropped
 * when it expires; at most 50 per device.
 */
class QueuedCommandsTest {
  static final String TEMPLATE = "dtmi:flotilla:test:queued;1";
  static final String MODEL = """
      {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "Queued",
       "capabilityModel": {"@id": "dtmi:flotilla:test:queued_cm;1", "@type": "Interface", "contents": [
         {"@type": "Command", "name": "reboot", "durable": true, "request": {"name": "delay", "schema": "integer"}},
         {"@type": "Command", "name": "ping", "durable": true},
         {"@type": "Command", "name": "setMode", "durable": true, "timeToLive": "PT1H",
          "request": {"name": "mode", "schema": "string"}},
         {"@type": "Command", "name": "sync"},
         {"@type": "Component", "name": "pump", "schema": {"@id": "dtmi:flotilla:test:pump;1",
           "@type": "Interface", "contents": [{"@type": "Command", "name": "flush", "durable": true,
             "request": {"name": "p", "schema": {"@type": "Object", "fields": [{"name": "bank", "schema": "integer"}]}}}]}}]}}
      """;
  static TestServer server;
  static Vertx vertx;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    vertx = Vertx.vertx();
    api = server.api();
    assertThat(api.put("/api/deviceTemplates/" + TEMPLATE, MODEL).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.close();
  }

  static TestDevice connect(TestServer on, Vertx vertx, String id, String key, boolean autoAck) {
    // valid long enough for tests that move the server's clock past a day
    String token = SasToken.create("127.0.0.1/devices/" + id, key, Instant.now().plus(Duration.ofDays(3)), false);
    return new TestDevice(vertx, on.server().mqttPort(), caCert(on), id, "127.0.0.1/" + id + "/?api-version=2021-04-12",
        token, autoAck).connected();
  }

  static JsonNode latest(ApiClient api, String deviceId, String command) {
    String path = command.contains("/") ? "/components/" + command.replace("/", "/commands/") : "/commands/" + command;
    ApiClient.Response r = api.get("/api/devices/" + deviceId + path);
    assertThat(r.status()).isEqualTo(200);
    return r.json().path("value").path(0);
  }

  static List<QueuedCommand> waiting(TestServer on, String deviceId) {
    return await(on.server().wiring().gateway().queuedCommands().waiting(deviceId));
  }

  @Test
  void templatesValidateDurableAndTimeToLiveNamingTheField() {
    String base = "{\"@type\": [\"ModelDefinition\", \"DeviceModel\"], \"displayName\": \"Bad\", \"capabilityModel\": "
        + "{\"@type\": \"Interface\", \"contents\": [%s]}}";
    ApiClient.Response notBoolean = api.put("/api/deviceTemplates/dtmi:flotilla:test:bad1;1",
        base.formatted("{\"@type\": \"Command\", \"name\": \"go\", \"durable\": \"yes\"}"));
    assertThat(notBoolean.status()).isEqualTo(400);
    assertThat(notBoolean.text()).contains("durable");
    ApiClient.Response notDurable = api.put("/api/deviceTemplates/dtmi:flotilla:test:bad2;1",
        base.formatted("{\"@type\": \"Command\", \"name\": \"go\", \"timeToLive\": \"PT1H\"}"));
    assertThat(notDurable.status()).isEqualTo(400);
    assertThat(notDurable.text()).contains("timeToLive");
    for (String ttl : List.of("\"P3D\"", "\"PT10S\"", "\"soon\"", "3600")) {
      ApiClient.Response bad = api.put("/api/deviceTemplates/dtmi:flotilla:test:bad3;1", base.formatted(
          "{\"@type\": \"Command\", \"name\": \"go\", \"durable\": true, \"timeToLive\": " + ttl + "}"));
      assertThat(bad.status()).as(ttl).isEqualTo(400);
      assertThat(bad.text()).contains("timeToLive");
    }
  }

  @Test
  void anOfflineDeviceGetsTheQueuedCommandWhenItSubscribesAndTheHistoryFollows() {
    String key = device(server, "q-off", TEMPLATE);
    ApiClient.Response queued = api.post("/api/devices/q-off/commands/reboot", "{\"request\": 5}");
    assertThat(queued.status()).isEqualTo(202);
    JsonNode body = queued.json();
    String id = body.path("id").asText();
    assertThat(body.path("status").asText()).isEqualTo("queued");
    assertThat(body.path("messageId").asText()).isEqualTo(id);
    assertThat(body.path("request").asInt()).isEqualTo(5);
    assertThat(body.has("response")).isFalse();
    assertThat(Duration.between(Instant.parse(body.path("updated").asText()),
        Instant.parse(body.path("expiresAt").asText()))).isEqualTo(Duration.ofHours(24));
    assertThat(latest(api, "q-off", "reboot").path("status").asText()).isEqualTo("queued");
    // a component's command and one without request queue behind it, in order
    assertThat(api.post("/api/devices/q-off/components/pump/commands/flush", "{\"request\": {\"bank\": 2}}")
        .status()).isEqualTo(202);
    assertThat(api.post("/api/devices/q-off/commands/ping", "{}").status()).isEqualTo(202);

    try (TestDevice d = connect(server, vertx, "q-off", key, true)) {
      d.subscribe("devices/q-off/messages/devicebound/#", 1);
      TestDevice.Received first = d.await(t -> t.startsWith("devices/q-off/messages/devicebound/"));
      assertThat(first.qos()).isEqualTo(1);
      assertThat(first.payload()).isEqualTo("5");
      assertThat(first.topic()).startsWith("devices/q-off/messages/devicebound/%24.mid=" + id + "&%24.to=")
          .contains("&iothub-ack=none&method-name=reboot");
      TestDevice.Received second = d.await(t -> t.startsWith("devices/q-off/messages/devicebound/"));
      assertThat(second.payload()).isEqualTo("{\"bank\":2}");
      assertThat(second.topic()).contains("method-name=pump%2Aflush"); // "*" percent-encoded
      TestDevice.Received third = d.await(t -> t.startsWith("devices/q-off/messages/devicebound/"));
      assertThat(third.payload()).isEqualTo("@");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(latest(api, "q-off", "reboot").path("status").asText()).isEqualTo("delivered");
        assertThat(waiting(server, "q-off")).isEmpty();
      });
    }
  }

  @Test
  void aSubscribedDeviceGetsItAtOnceAndAStandardCommandStaysADirectMethod() {
    String key = device(server, "q-on", TEMPLATE);
    try (TestDevice d = connect(server, vertx, "q-on", key, true)) {
      d.subscribe("devices/q-on/messages/devicebound/#", 1);
      ApiClient.Response r = api.post("/api/devices/q-on/commands/setMode", "{\"request\": \"eco\"}");
      assertThat(r.status()).isEqualTo(202);
      assertThat(Duration.between(Instant.parse(r.json().path("updated").asText()),
          Instant.parse(r.json().path("expiresAt").asText()))).isEqualTo(Duration.ofHours(1));
      TestDevice.Received m = d.await(t -> t.startsWith("devices/q-on/messages/devicebound/"));
      assertThat(m.payload()).isEqualTo("eco");
      assertThat(m.topic()).contains("method-name=setMode");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(latest(api, "q-on", "setMode").path("status").asText()).isEqualTo("delivered"));
      // not durable: a direct method, which this device (not subscribed to methods) cannot take
      assertThat(api.post("/api/devices/q-on/commands/sync", "{}").errorCode()).isEqualTo("DeviceNotOnline");
    }
  }

  @Test
  void withoutAPubAckTheMessageIsSentAgainAtTheNextConnection() {
    String key = device(server, "q-noack", TEMPLATE);
    String id = api.post("/api/devices/q-noack/commands/reboot", "{\"request\": 1}").json().path("id").asText();
    try (TestDevice d = connect(server, vertx, "q-noack", key, false)) {
      d.subscribe("devices/q-noack/messages/devicebound/#", 1);
      assertThat(d.await(t -> t.contains("/devicebound/")).topic()).contains("%24.mid=" + id);
    }
    assertThat(waiting(server, "q-noack")).singleElement().satisfies(m -> assertThat(m.deliveryCount()).isEqualTo(1));
    assertThat(latest(api, "q-noack", "reboot").path("status").asText()).isEqualTo("queued");
    try (TestDevice d = connect(server, vertx, "q-noack", key, true)) {
      d.subscribe("devices/q-noack/messages/devicebound/#", 1);
      TestDevice.Received again = d.await(t -> t.contains("/devicebound/"));
      assertThat(again.topic()).contains("%24.mid=" + id);
      assertThat(again.payload()).isEqualTo("1");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(waiting(server, "q-noack")).isEmpty());
    }
    assertThat(latest(api, "q-noack", "reboot").path("status").asText()).isEqualTo("delivered");
  }

  @Test
  void atMostFiftyWaitPerDevice() {
    device(server, "q-full", TEMPLATE);
    for (int i = 0; i < QueuedCommands.MAX_PER_DEVICE; i++) {
      assertThat(api.post("/api/devices/q-full/commands/ping", "{}").status()).isEqualTo(202);
    }
    ApiClient.Response full = api.post("/api/devices/q-full/commands/ping", "{}");
    assertThat(full.status()).isEqualTo(409);
    assertThat(full.errorCode()).isEqualTo("DeviceMaximumQueueDepthExceeded");
    assertThat(waiting(server, "q-full")).hasSize(QueuedCommands.MAX_PER_DEVICE);
  }

  @Test
  void expiredMessagesAreDroppedAndTheHistorySaysSo() {
    try (TestServer own = TestServer.start()) {
      ApiClient a = own.api();
      assertThat(a.put("/api/deviceTemplates/" + TEMPLATE, MODEL).status()).isEqualTo(200);
      String key = device(own, "q-exp", TEMPLATE);
      assertThat(a.post("/api/devices/q-exp/commands/setMode", "{\"request\": \"old\"}").status()).isEqualTo(202);
      own.clock().advance(Duration.ofMinutes(61));
      assertThat(latest(a, "q-exp", "setMode").path("status").asText()).isEqualTo("expired");
      assertThat(a.post("/api/devices/q-exp/commands/reboot", "{\"request\": 9}").status()).isEqualTo(202);
      try (TestDevice d = connect(own, vertx, "q-exp", key, true)) {
        d.subscribe("devices/q-exp/messages/devicebound/#", 1);
        TestDevice.Received m = d.await(t -> t.contains("/devicebound/"));
        assertThat(m.topic()).contains("method-name=reboot"); // the expired one never went
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(waiting(own, "q-exp")).isEmpty());
      }
      assertThat(latest(a, "q-exp", "setMode").path("status").asText()).isEqualTo("expired");
    }
  }

  @Test
  void aQueuedCommandSurvivesARestartExactlyAsStored() {
    TestServer first = TestServer.start();
    java.nio.file.Path dir = first.dataDir();
    ApiClient a = first.api();
    assertThat(a.put("/api/deviceTemplates/" + TEMPLATE, MODEL).status()).isEqualTo(200);
    String key = device(first, "q-restart", TEMPLATE);
    JsonNode sent = a.post("/api/devices/q-restart/components/pump/commands/flush",
        "{\"request\": {\"bank\": 3}}").json();
    QueuedCommand stored = waiting(first, "q-restart").get(0);
    first.stop();
    try (TestServer second = TestServer.restart(dir, c -> c)) {
      assertThat(waiting(second, "q-restart")).containsExactly(stored);
      try (TestDevice d = connect(second, vertx, "q-restart", key, true)) {
        d.subscribe("devices/q-restart/messages/devicebound/#", 1);
        TestDevice.Received m = d.await(t -> t.contains("/devicebound/"));
        assertThat(m.payload()).isEqualTo("{\"bank\":3}");
        assertThat(m.topic()).isEqualTo(ServerTopics.c2d("q-restart",
            new PropertyBag(QueuedCommands.properties(stored))));
        assertThat(m.topic()).contains("%24.mid=" + sent.path("id").asText());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(latest(second.api(), "q-restart", "pump/flush").path("status").asText()).isEqualTo("delivered"));
      }
    }
  }

  @Test
  void aCommandJobOnADurableCommandCompletesEachDeviceWhenItsMessageIsDelivered() {
    String key = device(server, "q-job", TEMPLATE);
    assertThat(api.put("/api/deviceGroups/q-job-group", "{\"displayName\": \"q\", \"filter\": "
        + "\"SELECT * FROM devices WHERE $id = \\\"q-job\\\"\"}").status()).isEqualTo(200);
    assertThat(api.put("/api/jobs/q-job-1", "{\"group\": \"q-job-group\", \"data\": [{\"type\": \"command\", "
        + "\"target\": \"" + TEMPLATE + "\", \"path\": \"reboot\", \"value\": 7}]}").status()).isEqualTo(200);
    // offline: the command is queued and the device waits for its delivery (pending), the job runs on
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(waiting(server, "q-job")).hasSize(1));
    QueuedCommand m = waiting(server, "q-job").get(0);
    assertThat(m.jobId()).isEqualTo("q-job-1");
    assertThat(api.get("/api/jobs/q-job-1/devices").json().path("value").path(0).path("status").asText())
        .isEqualTo("pending");
    assertThat(api.get("/api/jobs/q-job-1").json().path("status").asText()).isEqualTo("running");
    try (TestDevice d = connect(server, vertx, "q-job", key, true)) {
      d.subscribe("devices/q-job/messages/devicebound/#", 1);
      TestDevice.Received got = d.await(t -> t.contains("/devicebound/"));
      assertThat(got.topic()).contains("%24.mid=" + m.messageId()).contains("method-name=reboot");
      assertThat(got.payload()).isEqualTo("7");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(api.get("/api/jobs/q-job-1/devices").json().path("value").path(0).path("status").asText())
            .isEqualTo("completed");
        assertThat(api.get("/api/jobs/q-job-1").json().path("status").asText()).isEqualTo("complete");
      });
    }
  }
}
