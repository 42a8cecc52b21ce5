package io.flotilla.gateway.mqtt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.domain.device.ModuleService;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Device modules end to end over raw MQTT and the REST API: module identities come to exist by connecting with a
 * module token, each module has its own session, twin, commands and telemetry, and no session can act as another.
 */
class ModulesApiTest {
  private static final Duration ANSWER = Duration.ofSeconds(10);
  static TestServer server;
  static ApiClient api;
  static int port;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    port = GatewayFixture.await(GatewayFixture.gateway(server).gateway().loopbackPlainPort());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String deviceToken(String device, String key) {
    return SasToken.create("127.0.0.1/devices/" + device, key, Instant.now().plusSeconds(3600), false);
  }

  private static String moduleToken(String device, String module, String key) {
    return SasToken.create("127.0.0.1/devices/" + device + "/modules/" + module, key, Instant.now().plusSeconds(3600),
        false);
  }

  /** A CONNECT of module {@code module} of {@code device} with {@code password}; answers the CONNACK code. */
  private static RawMqtt connectModule(String device, String module, String password, int[] code) {
    RawMqtt c = RawMqtt.plain(port);
    c.send(RawMqtt.connect(device + "/" + module, "127.0.0.1/" + device + "/" + module + "/?api-version=2021-04-12",
        password, 60));
    code[0] = c.expect(RawMqtt.CONNACK, ANSWER).returnCode();
    return c;
  }

  private static RawMqtt module(String device, String module, String deviceKey) {
    int[] code = new int[1];
    RawMqtt c = connectModule(device, module, moduleToken(device, module, ModuleService.moduleKey(deviceKey, module)),
        code);
    assertThat(code[0]).as("CONNACK of %s/%s", device, module).isZero();
    return c;
  }

  private static RawMqtt device(String device, String key) {
    RawMqtt c = RawMqtt.plain(port);
    c.send(RawMqtt.connect(device, "127.0.0.1/" + device + "/?api-version=2021-04-12", deviceToken(device, key), 60));
    assertThat(c.expect(RawMqtt.CONNACK, ANSWER).returnCode()).isZero();
    return c;
  }

  /** The topic and payload of a PUBLISH the server sent. */
  private record Publish(String topic, String payload) {
    static Publish of(RawMqtt.Packet p) {
      int len = ((p.body()[0] & 0xff) << 8) | (p.body()[1] & 0xff);
      int qos = (p.header() >> 1) & 3;
      int start = 2 + len + (qos > 0 ? 2 : 0);
      return new Publish(new String(p.body(), 2, len, UTF_8), new String(p.body(), start, p.body().length - start, UTF_8));
    }
  }

  @Test
  void aModuleBecomesKnownByConnectingWithItsDerivedKeyOnly() {
    String key = GatewayFixture.device(server, "mod-dev-1", null);
    assertThat(api.get("/api/devices/mod-dev-1/modules").json().path("value")).isEmpty();
    int[] code = new int[1];
    try (RawMqtt c = connectModule("mod-dev-1", "m1", moduleToken("mod-dev-1", "m1", key), code)) {
      assertThat(code[0]).as("the device key itself does not sign a module token").isEqualTo(5);
    }
    try (RawMqtt c = connectModule("mod-dev-1", "m1", deviceToken("mod-dev-1", key), code)) {
      assertThat(code[0]).as("a device token").isEqualTo(5);
    }
    try (RawMqtt c = connectModule("mod-dev-1", "m1",
        moduleToken("mod-dev-1", "m2", ModuleService.moduleKey(key, "m2")), code)) {
      assertThat(code[0]).as("another module's token").isEqualTo(5);
    }
    try (RawMqtt c = RawMqtt.plain(port)) { // a module token for the device's own session
      c.send(RawMqtt.connect("mod-dev-1", "127.0.0.1/mod-dev-1/?api-version=2021-04-12",
          moduleToken("mod-dev-1", "m1", ModuleService.moduleKey(key, "m1")), 60));
      assertThat(c.expect(RawMqtt.CONNACK, ANSWER).returnCode()).isEqualTo(5);
    }
    try (RawMqtt c = connectModule("nobody", "m1", moduleToken("nobody", "m1", ModuleService.moduleKey(key, "m1")),
        code)) {
      assertThat(code[0]).as("unknown device").isEqualTo(5);
    }
    assertThat(api.get("/api/devices/mod-dev-1/modules").json().path("value")).isEmpty();
    assertThat(api.get("/api/devices/mod-dev-1/modules/m1/properties").status()).isEqualTo(404);

    try (RawMqtt m1 = module("mod-dev-1", "m1", key); RawMqtt zeta = module("mod-dev-1", "zeta", key)) {
      assertThat(api.get("/api/devices/mod-dev-1/modules").json().toString()).isEqualTo("{\"value\":["
          + "{\"@type\":[\"Relationship\",\"EdgeModule\"],\"name\":\"m1\",\"displayName\":\"m1\"},"
          + "{\"@type\":[\"Relationship\",\"EdgeModule\"],\"name\":\"zeta\",\"displayName\":\"zeta\"}]}");
      GatewayFixture.block(server, "mod-dev-1", true);
      assertThat(m1.closedWithin(ANSWER)).as("blocking the device closes its modules' sessions").isTrue();
      assertThat(zeta.closedWithin(ANSWER)).isTrue();
      try (RawMqtt c = connectModule("mod-dev-1", "m1",
          moduleToken("mod-dev-1", "m1", ModuleService.moduleKey(key, "m1")), code)) {
        assertThat(code[0]).as("a blocked device's module").isEqualTo(3);
      }
    }
    assertThat(api.delete("/api/devices/mod-dev-1").status()).isEqualTo(204);
    GatewayFixture.device(server, "mod-dev-1", null);
    assertThat(api.get("/api/devices/mod-dev-1/modules").json().path("value")).as("modules go with the device")
        .isEmpty();
  }

  @Test
  void aModuleSessionCannotUseItsDevicesTopicsNorTheOtherWayRound() {
    String key = GatewayFixture.device(server, "mod-dev-2", null);
    try (RawMqtt m = module("mod-dev-2", "m1", key)) {
      m.send(RawMqtt.publish("devices/mod-dev-2/messages/events/", "{\"t\":1}".getBytes(UTF_8), 1, false, 1));
      assertThat(m.closedWithin(ANSWER)).as("a module publishing as its device").isTrue();
    }
    try (RawMqtt m = module("mod-dev-2", "m1", key)) {
      m.send(RawMqtt.publish("devices/mod-dev-2/modules/m2/messages/events/", "{}".getBytes(UTF_8), 1, false, 1));
      assertThat(m.closedWithin(ANSWER)).as("a module publishing as another module").isTrue();
    }
    try (RawMqtt m = module("mod-dev-2", "m1", key)) {
      m.send(RawMqtt.subscribe(1, "devices/mod-dev-2/messages/devicebound/#", 1)); // the device's, not its own
      assertThat(m.closedWithin(ANSWER)).as("a module taking its device's C2D messages").isTrue();
    }
    try (RawMqtt d = device("mod-dev-2", key)) {
      d.send(RawMqtt.publish("devices/mod-dev-2/modules/m1/messages/events/", "{}".getBytes(UTF_8), 1, false, 1));
      assertThat(d.closedWithin(ANSWER)).as("a device publishing as its module").isTrue();
    }
    // both at once: separate sessions
    try (RawMqtt d = device("mod-dev-2", key); RawMqtt m = module("mod-dev-2", "m1", key)) {
      d.send(RawMqtt.publish("devices/mod-dev-2/messages/events/", "{\"t\":1}".getBytes(UTF_8), 1, false, 7));
      m.send(RawMqtt.publish("devices/mod-dev-2/modules/m1/messages/events/%24.ct=application%2Fjson",
          "{\"t\":2}".getBytes(UTF_8), 1, false, 8));
      assertThat(d.expect(RawMqtt.PUBACK, ANSWER).packetId()).isEqualTo(7);
      assertThat(m.expect(RawMqtt.PUBACK, ANSWER).packetId()).isEqualTo(8);
      assertThat(api.get("/api/devices/mod-dev-2/modules/m1/telemetry/t").json().path("value").asInt()).isEqualTo(2);
      await().atMost(ANSWER).untilAsserted(() ->
          assertThat(api.get("/api/devices/mod-dev-2/telemetry/t").json().path("value").asInt()).isEqualTo(1));
    }
  }

  @Test
  void aModulesTwinCommandsAndTelemetryThroughTheApi() throws Exception {
    String key = GatewayFixture.device(server, "mod-dev-3", null);
    try (RawMqtt m = module("mod-dev-3", "filter", key)) {
      m.send(RawMqtt.subscribe(1, "$iothub/twin/res/#", 0));
      m.expect(RawMqtt.SUBACK, ANSWER);
      m.send(RawMqtt.subscribe(2, "$iothub/twin/PATCH/properties/desired/#", 0));
      m.expect(RawMqtt.SUBACK, ANSWER);
      m.send(RawMqtt.subscribe(3, "$iothub/methods/POST/#", 0));
      m.expect(RawMqtt.SUBACK, ANSWER);

      // reported properties, root and component, read back through the module routes
      m.send(RawMqtt.publish("$iothub/twin/PATCH/properties/reported/?$rid=1",
          "{\"threshold\": 5, \"sensor\": {\"__t\": \"c\", \"unit\": \"C\"}}".getBytes(UTF_8), 0, false, 0));
      assertThat(Publish.of(m.expect(RawMqtt.PUBLISH, ANSWER)).topic()).startsWith("$iothub/twin/res/204/?$rid=1");
      ApiClient.Response props = api.get("/api/devices/mod-dev-3/modules/filter/properties");
      assertThat(props.status()).isEqualTo(200);
      assertThat(props.json().path("threshold").asInt()).isEqualTo(5);
      assertThat(props.json().path("$metadata").path("threshold").has("lastUpdateTime")).isTrue();
      assertThat(props.json().path("sensor").path("unit").asText()).isEqualTo("C");
      assertThat(api.get("/api/devices/mod-dev-3/modules/filter/components/sensor/properties").json()
          .path("unit").asText()).isEqualTo("C");
      assertThat(api.get("/api/devices/mod-dev-3/modules/filter/components").json().toString())
          .isEqualTo("{\"value\":[{\"@type\":\"Component\",\"name\":\"sensor\",\"displayName\":\"sensor\"}]}");
      assertThat(api.get("/api/devices/mod-dev-3/properties").json().has("threshold"))
          .as("the device's own properties are apart").isFalse();

      // desired properties: 202 echo, pushed to the module with the module twin's version
      ApiClient.Response patched = api.patch("/api/devices/mod-dev-3/modules/filter/properties",
          "{\"threshold\": 9}");
      assertThat(patched.status()).isEqualTo(202);
      assertThat(patched.json().path("$metadata").path("threshold").path("desiredValue").asInt()).isEqualTo(9);
      Publish pushed = Publish.of(m.expect(RawMqtt.PUBLISH, ANSWER));
      assertThat(pushed.topic()).startsWith("$iothub/twin/PATCH/properties/desired/?$version=2");
      assertThat(ApiClient.JSON.readTree(pushed.payload()).path("threshold").asInt()).isEqualTo(9);
      assertThat(api.patch("/api/devices/mod-dev-3/modules/filter/components/sensor/properties",
          "{\"rate\": 2}").status()).isEqualTo(202);
      Publish component = Publish.of(m.expect(RawMqtt.PUBLISH, ANSWER));
      assertThat(ApiClient.JSON.readTree(component.payload()).path("sensor").toString())
          .isEqualTo("{\"__t\":\"c\",\"rate\":2}");
      m.send(RawMqtt.publish("$iothub/twin/GET/?$rid=2", new byte[0], 0, false, 0));
      Publish twin = Publish.of(m.expect(RawMqtt.PUBLISH, ANSWER));
      assertThat(twin.topic()).startsWith("$iothub/twin/res/200/?$rid=2");
      assertThat(ApiClient.JSON.readTree(twin.payload()).path("desired").path("$version").asInt()).isEqualTo(3);
      assertThat(ApiClient.JSON.readTree(twin.payload()).path("reported").path("threshold").asInt()).isEqualTo(5);
      assertThat(api.put("/api/devices/mod-dev-3/modules/filter/properties", "{\"other\": true}").status())
          .isEqualTo(202);
      Publish replaced = Publish.of(m.expect(RawMqtt.PUBLISH, ANSWER));
      assertThat(ApiClient.JSON.readTree(replaced.payload()).path("threshold").isNull()).as("PUT removes").isTrue();

      // a command on the module's own connection
      CompletableFuture<ApiClient.Response> run = CompletableFuture.supplyAsync(() -> api.post(
          "/api/devices/mod-dev-3/modules/filter/commands/reset", "{\"request\": {\"hard\": true}}"));
      Publish request = Publish.of(m.expect(RawMqtt.PUBLISH, ANSWER));
      assertThat(request.topic()).startsWith("$iothub/methods/POST/reset/?$rid=");
      assertThat(request.payload()).isEqualTo("{\"hard\":true}");
      String rid = request.topic().substring(request.topic().indexOf("$rid=") + 5);
      m.send(RawMqtt.publish("$iothub/methods/res/200/?$rid=" + rid, "{\"done\":1}".getBytes(UTF_8), 0, false, 0));
      ApiClient.Response ran = run.get();
      assertThat(ran.status()).isEqualTo(201);
      assertThat(ran.json().path("response").path("done").asInt()).isEqualTo(1);
      assertThat(ran.json().path("responseCode").asInt()).isEqualTo(200);
      ApiClient.Response history = api.get("/api/devices/mod-dev-3/modules/filter/commands/reset");
      assertThat(history.json().path("value").get(0).path("id").asText()).isEqualTo(ran.json().path("id").asText());
      assertThat(api.get("/api/devices/mod-dev-3/commands/reset").json().path("value")).as("not the device's")
          .isEmpty();
      assertThat(api.get("/api/devices/mod-dev-3/modules/filter/components/sensor/commands/reset").json()
          .path("value")).isEmpty();

      // component command: method name component*command
      CompletableFuture<ApiClient.Response> comp = CompletableFuture.supplyAsync(() -> api.post(
          "/api/devices/mod-dev-3/modules/filter/components/sensor/commands/zero", "{}"));
      Publish compRequest = Publish.of(m.expect(RawMqtt.PUBLISH, ANSWER));
      assertThat(compRequest.topic()).startsWith("$iothub/methods/POST/sensor*zero/?$rid=");
      String rid2 = compRequest.topic().substring(compRequest.topic().indexOf("$rid=") + 5);
      m.send(RawMqtt.publish("$iothub/methods/res/404/?$rid=" + rid2, new byte[0], 0, false, 0));
      assertThat(comp.get().json().path("responseCode").asInt()).isEqualTo(404);

      // telemetry, root and component
      m.send(RawMqtt.publish("devices/mod-dev-3/modules/filter/messages/events/", "{\"temp\": 21.5}".getBytes(UTF_8),
          1, false, 5));
      m.send(RawMqtt.publish("devices/mod-dev-3/modules/filter/messages/events/%24.sub=sensor",
          "{\"temp\": 3}".getBytes(UTF_8), 1, false, 6));
      m.expect(RawMqtt.PUBACK, ANSWER);
      m.expect(RawMqtt.PUBACK, ANSWER);
      ApiClient.Response t = api.get("/api/devices/mod-dev-3/modules/filter/telemetry/temp");
      assertThat(t.status()).isEqualTo(200);
      assertThat(t.json().path("value").asDouble()).isEqualTo(21.5);
      assertThat(t.json().has("timestamp")).isTrue();
      assertThat(api.get("/api/devices/mod-dev-3/modules/filter/components/sensor/telemetry/temp").json()
          .path("value").asInt()).isEqualTo(3);
      await().atMost(ANSWER).untilAsserted(() -> assertThat(GatewayFixture.gateway(server).modules().telemetry()
          .unsavedCount()).as("flushed").isZero());
      assertThat(api.get("/api/devices/mod-dev-3/modules/filter/telemetry/temp").json().path("value").asDouble())
          .isEqualTo(21.5);
    }
    // offline: the command is 404 DeviceNotOnline naming the module
    ApiClient.Response offline = api.post("/api/devices/mod-dev-3/modules/filter/commands/reset", "{}");
    assertThat(offline.status()).isEqualTo(404);
    assertThat(offline.errorCode()).isEqualTo("DeviceNotOnline");
    assertThat(offline.json().path("error").path("message").asText()).contains("Module \"filter\"");
  }

  @Test
  void badInputAndUnknownModulesAnswer4xx() {
    String key = GatewayFixture.device(server, "mod-dev-4", null);
    try (RawMqtt m = module("mod-dev-4", "m1", key)) {
      String base = "/api/devices/mod-dev-4/modules/";
      for (String path : new String[] {"nope/properties", "nope/components", "nope/components/c/properties",
          "nope/commands/x", "nope/components/c/commands/x", "nope/telemetry/t", "nope/components/c/telemetry/t",
          "b%20d/properties", "m1/telemetry/never"}) {
        ApiClient.Response r = api.get(base + path);
        assertThat(r.status()).as(path).isEqualTo(404);
        assertThat(r.errorCode()).as(path).isEqualTo("NotFound");
      }
      assertThat(api.get("/api/devices/nobody/modules").status()).isEqualTo(404);
      assertThat(api.get("/api/devices/nobody/modules/m1/properties").status()).isEqualTo(404);
      assertThat(api.patch("/api/devices/nobody/modules/m1/properties", "{\"a\":1}").status()).isEqualTo(404);
      assertThat(api.patch(base + "nope/properties", "{\"a\":1}").status()).isEqualTo(404);
      assertThat(api.post(base + "nope/commands/x", "{}").status()).isEqualTo(404);
      assertThat(api.patch(base + "m1/properties", "[1]").status()).isEqualTo(400);
      assertThat(api.patch(base + "m1/properties", "{not json").status()).isEqualTo(400);
      assertThat(api.patch(base + "m1/properties", "{}").status()).as("nothing to set").isEqualTo(400);
      assertThat(api.put(base + "m1/components/c/properties", "\"x\"").status()).isEqualTo(400);
      assertThat(api.post(base + "m1/commands/x", "{\"responseTimeout\": 4}").status()).isEqualTo(400);
      assertThat(api.post(base + "m1/commands/x", "{\"connectionTimeout\": 31}").status()).isEqualTo(400);
      assertThat(api.post(base + "m1/commands/x", "{\"responseTimeout\": \"x\"}").status()).isEqualTo(400);
      assertThat(api.get(base + "m1/properties?unmodeled=true").status()).as("not accepted").isEqualTo(400);
      assertThat(api.as("SharedAccessSignature sr=x&sig=y&skn=z&se=1").get(base + "m1/properties").status())
          .isEqualTo(401);
    }
  }
}
