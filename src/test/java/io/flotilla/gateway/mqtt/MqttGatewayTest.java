package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.GatewayFixture.await;
import static io.flotilla.gateway.mqtt.GatewayFixture.caCert;
import static io.flotilla.gateway.mqtt.GatewayFixture.device;
import static io.flotilla.gateway.mqtt.GatewayFixture.gateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway over real TLS MQTT connections (Vert.x client), one server on free ports for the class. */
class MqttGatewayTest {
  static TestServer server;
  static Vertx vertx;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    vertx = Vertx.vertx();
    api = server.api();
    GatewayFixture.template(server);
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.close();
  }

  private TestDevice connect(String id, String key) {
    return TestDevice.hub(vertx, server.server().mqttPort(), caCert(server), id, key).connected();
  }

  @Test
  void telemetryIsServedThroughRestAndFlushedToTheDatabase() {
    String key = device(server, "tele-1", GatewayFixture.TEMPLATE_ID);
    assertThat(api.get("/api/devices/tele-1/telemetry/temperature").status()).isEqualTo(404);
    try (TestDevice d = connect("tele-1", key)) {
      d.publish("devices/tele-1/messages/events/$.ct=application%2Fjson&$.ce=utf-8", "{\"temperature\": 21.5}", 1);
      d.publish("devices/tele-1/messages/events/%24.sub=thermostat1", "{\"temperature\": 30}", 1);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        JsonNode v = api.get("/api/devices/tele-1/telemetry/temperature").json();
        assertThat(v.path("value").asDouble()).isEqualTo(21.5);
        assertThat(Instant.parse(v.path("timestamp").asText())).isBefore(server.clock().instant().plusSeconds(1));
      });
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
          api.get("/api/devices/tele-1/components/thermostat1/telemetry/temperature").json().path("value").asInt())
          .isEqualTo(30));
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway(server).telemetry().unsavedCount() == 0);
    }
    assertThat(api.get("/api/devices/tele-1/telemetry/humidity").status()).isEqualTo(400);
    assertThat(api.get("/api/devices/tele-1/telemetry/temperature").json().path("value").asDouble()).isEqualTo(21.5);
    assertThat(api.get("/metrics").text()).contains("flotilla_mqtt_telemetry_messages_total");
  }

  @Test
  void twinGetAndReportedPatchesKeepVersions() throws Exception {
    String key = device(server, "twin-1", null);
    try (TestDevice d = connect("twin-1", key)) {
      d.subscribe("$iothub/twin/res/#", 1);
      d.publish("$iothub/twin/GET/?$rid=g1", "", 1);
      TestDevice.Received got = d.await(t -> t.startsWith("$iothub/twin/res/"));
      assertThat(got.topic()).isEqualTo("$iothub/twin/res/200/?$rid=g1");
      JsonNode twin = ApiClient.JSON.readTree(got.payload());
      assertThat(twin.path("desired").path("$version").asLong()).isPositive();
      assertThat(twin.path("reported").path("$version").asLong()).isEqualTo(1);

      d.publish("$iothub/twin/PATCH/properties/reported/?$rid=p1", "{\"battery\": 55, \"fw\": \"1.0\"}", 1);
      assertThat(d.await(t -> t.startsWith("$iothub/twin/res/")).topic())
          .isEqualTo("$iothub/twin/res/204/?$rid=p1&$version=2");
      d.publish("$iothub/twin/PATCH/properties/reported/?$rid=p2", "{\"fw\": null}", 0);
      assertThat(d.await(t -> t.startsWith("$iothub/twin/res/")).topic())
          .isEqualTo("$iothub/twin/res/204/?$rid=p2&$version=3");
      d.publish("$iothub/twin/PATCH/properties/reported/?$rid=p3", "not json", 0);
      assertThat(d.await(t -> t.startsWith("$iothub/twin/res/")).topic()).isEqualTo("$iothub/twin/res/400/?$rid=p3");

      d.publish("$iothub/twin/GET/?$rid=g2", "", 0);
      twin = ApiClient.JSON.readTree(d.await(t -> t.startsWith("$iothub/twin/res/200")).payload());
      assertThat(twin.path("reported").path("battery").asInt()).isEqualTo(55);
      assertThat(twin.path("reported").has("fw")).isFalse();
      assertThat(twin.path("reported").path("$version").asLong()).isEqualTo(3);
    }
  }

  @Test
  void desiredPatchesReachSubscribedDevicesAndAcknowledgementsShowAsAccepted() throws Exception {
    String key = device(server, "desired-1", GatewayFixture.TEMPLATE_ID);
    try (TestDevice d = connect("desired-1", key)) {
      d.subscribe("$iothub/twin/res/#", 1);
      d.subscribe("$iothub/twin/PATCH/properties/desired/#", 1);
      ObjectNode write = (ObjectNode) ApiClient.JSON.readTree("{\"targetTemperature\": 22.5}");
      await(server.server().wiring().services().properties().write("desired-1", null, write, false));
      TestDevice.Received patch = d.await(t -> t.startsWith("$iothub/twin/PATCH/properties/desired/"));
      long version = await(server.server().wiring().services().properties().get("desired-1", null))
          .path("$metadata").path("targetTemperature").path("desiredVersion").asLong();
      assertThat(patch.topic()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=" + version);
      assertThat(ApiClient.JSON.readTree(patch.payload()))
          .isEqualTo(ApiClient.JSON.readTree("{\"targetTemperature\": 22.5, \"$version\": " + version + "}"));
      JsonNode meta = await(server.server().wiring().services().properties().get("desired-1", null)).path("$metadata");
      assertThat(meta.path("targetTemperature").path("ackState").asText()).isEqualTo("pending");

      d.publish("$iothub/twin/PATCH/properties/reported/?$rid=ack",
          "{\"targetTemperature\": {\"value\": 22.5, \"ac\": 200, \"av\": " + version + ", \"ad\": \"done\"}}", 1);
      d.await(t -> t.startsWith("$iothub/twin/res/204/?$rid=ack"));
      JsonNode props = await(server.server().wiring().services().properties().get("desired-1", null));
      assertThat(props.path("$metadata").path("targetTemperature").path("ackState").asText()).isEqualTo("accepted");
      assertThat(props.path("targetTemperature").asDouble()).isEqualTo(22.5);
    }
    // offline: the desired value stays in the twin and a reconnecting device reads it
    long acknowledged = await(server.server().wiring().services().properties().get("desired-1", null))
        .path("$metadata").path("targetTemperature").path("desiredVersion").asLong();
    ObjectNode write = (ObjectNode) ApiClient.JSON.readTree("{\"targetTemperature\": 19}");
    await(server.server().wiring().services().properties().write("desired-1", null, write, false));
    try (TestDevice d = connect("desired-1", key)) {
      d.subscribe("$iothub/twin/res/#", 1);
      d.publish("$iothub/twin/GET/?$rid=again", "", 1);
      JsonNode twin = ApiClient.JSON.readTree(d.await(t -> t.startsWith("$iothub/twin/res/200")).payload());
      assertThat(twin.path("desired").path("targetTemperature").asInt()).isEqualTo(19);
      assertThat(twin.path("desired").path("$version").asLong()).isGreaterThan(acknowledged);
    }
  }

  @Test
  void desiredPatchesSkipDevicesNotSubscribed() throws Exception {
    String key = device(server, "desired-2", GatewayFixture.TEMPLATE_ID);
    try (TestDevice d = connect("desired-2", key)) {
      d.subscribe("$iothub/twin/res/#", 1);
      ObjectNode write = (ObjectNode) ApiClient.JSON.readTree("{\"targetTemperature\": 10}");
      await(server.server().wiring().services().properties().write("desired-2", null, write, false));
      d.publish("$iothub/twin/GET/?$rid=x", "", 1);
      // the first message is the GET answer: no desired patch came before it
      assertThat(d.await(t -> true).topic()).isEqualTo("$iothub/twin/res/200/?$rid=x");
    }
  }

  @Test
  void commandsRoundTripThroughTheDevice() throws Exception {
    String key = device(server, "cmd-1", GatewayFixture.TEMPLATE_ID);
    try (TestDevice d = connect("cmd-1", key)) {
      d.subscribe("$iothub/methods/POST/#", 1);
      CompletableFuture<ApiClient.Response> call = CompletableFuture.supplyAsync(() ->
          api.post("/api/devices/cmd-1/commands/reboot", "{\"request\": 5, \"responseTimeout\": 10}"));
      TestDevice.Received req = d.await(t -> t.startsWith("$iothub/methods/POST/"));
      assertThat(req.topic()).startsWith("$iothub/methods/POST/reboot/?$rid=");
      assertThat(req.payload()).isEqualTo("5");
      String rid = req.topic().substring(req.topic().indexOf("$rid=") + 5);
      d.publish("$iothub/methods/res/200/?$rid=" + rid, "{\"rebooting\": true}", 1);
      ApiClient.Response r = call.get(10, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.text()).isEqualTo(201);
      assertThat(r.json().path("responseCode").asInt()).isEqualTo(200);
      assertThat(r.json().path("response").path("rebooting").asBoolean()).isTrue();
      assertThat(r.json().path("request").asInt()).isEqualTo(5);
      assertThat(r.json().path("responseTimeout").asInt()).isEqualTo(10);

      JsonNode history = api.get("/api/devices/cmd-1/commands/reboot").json();
      assertThat(history.path("value")).hasSize(1);
      assertThat(history.path("value").get(0).path("id").asText()).isEqualTo(r.json().path("id").asText());

      CompletableFuture<ApiClient.Response> comp = CompletableFuture.supplyAsync(() ->
          api.post("/api/devices/cmd-1/components/thermostat1/commands/getMaxMinReport", "{}"));
      TestDevice.Received creq = d.await(t -> t.startsWith("$iothub/methods/POST/"));
      assertThat(creq.topic()).startsWith("$iothub/methods/POST/thermostat1*getMaxMinReport/?$rid=");
      d.publish("$iothub/methods/res/404/?$rid=" + creq.topic().substring(creq.topic().indexOf("$rid=") + 5), "", 0);
      assertThat(comp.get(10, TimeUnit.SECONDS).json().path("responseCode").asInt()).isEqualTo(404);
    }
    assertThat(api.post("/api/devices/cmd-1/commands/selfDestruct", "{}").status()).isEqualTo(400);
    assertThat(api.post("/api/devices/cmd-1/commands/reboot", "{\"responseTimeout\": 2}").status()).isEqualTo(400);
    assertThat(api.post("/api/devices/cmd-1/commands/reboot", "{\"connectionTimeout\": 31}").status()).isEqualTo(400);
  }

  @Test
  void commandsFailWhenTheDeviceIsOfflineOrSilent() throws Exception {
    String key = device(server, "cmd-2", null);
    ApiClient.Response offline = api.post("/api/devices/cmd-2/commands/anything", "{}");
    assertThat(offline.status()).isEqualTo(404);
    assertThat(offline.errorCode()).isEqualTo("DeviceNotOnline");
    try (TestDevice d = connect("cmd-2", key)) {
      assertThat(api.post("/api/devices/cmd-2/commands/anything", "{}").errorCode())
          .as("connected but not subscribed counts as offline").isEqualTo("DeviceNotOnline");
      d.subscribe("$iothub/methods/POST/#", 0);
      long start = System.nanoTime();
      ApiClient.Response silent = api.post("/api/devices/cmd-2/commands/anything", "{\"responseTimeout\": 5}");
      assertThat(silent.status()).isEqualTo(504);
      assertThat(silent.errorCode()).isEqualTo("GatewayTimeout");
      // at least the 5 s asked for, and clearly not the 30 s default (no tighter bound: the host may be busy)
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(25));
      assertThat(gateway(server).gateway().channel().pendingMethods()).isZero();
    }
  }

  @Test
  void connectionTimeoutWaitsForTheDeviceToComeOnline() throws Exception {
    String key = device(server, "cmd-3", null);
    CompletableFuture<ApiClient.Response> call = CompletableFuture.supplyAsync(() ->
        api.post("/api/devices/cmd-3/commands/ping", "{\"connectionTimeout\": 15, \"request\": {\"a\": 1}}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway(server).gateway().channel().awaitingDevices() == 1);
    assertThat(call).as("waiting for the device, not answered").isNotDone();
    try (TestDevice d = connect("cmd-3", key)) {
      d.subscribe("$iothub/methods/POST/#", 1);
      TestDevice.Received req = d.await(t -> t.startsWith("$iothub/methods/POST/ping/"));
      d.publish("$iothub/methods/res/200/?$rid=" + req.topic().substring(req.topic().indexOf("$rid=") + 5),
          "\"pong\"", 1);
      ApiClient.Response r = call.get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(201);
      assertThat(r.json().path("response").asText()).isEqualTo("pong");
    }
  }

  @Test
  void aDeviceCannotAnswerAnotherDevicesMethod() throws Exception {
    String key = device(server, "cmd-4", null);
    String otherKey = device(server, "cmd-5", null);
    try (TestDevice d = connect("cmd-4", key); TestDevice other = connect("cmd-5", otherKey)) {
      d.subscribe("$iothub/methods/POST/#", 1);
      CompletableFuture<ApiClient.Response> call = CompletableFuture.supplyAsync(() ->
          api.post("/api/devices/cmd-4/commands/x", "{\"responseTimeout\": 5}"));
      TestDevice.Received req = d.await(t -> t.startsWith("$iothub/methods/POST/x/"));
      String rid = req.topic().substring(req.topic().indexOf("$rid=") + 5);
      other.publishAcknowledged("$iothub/methods/res/200/?$rid=" + rid, "{\"forged\": true}"); // handled, ignored
      d.publish("$iothub/methods/res/201/?$rid=" + rid, "{\"real\": true}", 1);
      ApiClient.Response r = call.get(10, TimeUnit.SECONDS);
      assertThat(r.json().path("responseCode").asInt()).isEqualTo(201);
      assertThat(r.json().path("response").has("real")).isTrue();
    }
  }

  @Test
  void foreignTopicsCloseTheConnection() {
    String key = device(server, "own-1", null);
    device(server, "own-2", null);
    try (TestDevice d = connect("own-1", key)) {
      d.publish("devices/own-2/messages/events/", "{\"t\": 1}", 1);
      assertThat(d.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
    try (TestDevice d = connect("own-1", key)) {
      d.publish("$dps/registrations/PUT/iotdps-register/?$rid=1", "{}", 0);
      assertThat(d.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
    try (TestDevice d = connect("own-1", key)) {
      assertThat(d.subscribe("devices/own-1/messages/devicebound/#", 1)).isEqualTo(1);
      d.subscribeWithoutWaiting("devices/own-2/messages/devicebound/#", 1);
      assertThat(d.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aSecondConnectReplacesTheFirstSession() {
    String key = device(server, "takeover-1", null);
    try (TestDevice first = connect("takeover-1", key); TestDevice second = connect("takeover-1", key)) {
      assertThat(first.closedWithin(Duration.ofSeconds(5))).isTrue();
      assertThat(second.isConnected()).isTrue();
      assertThat(gateway(server).channel().connectedHere("takeover-1")).isTrue();
      second.subscribe("$iothub/twin/res/#", 1);
      second.publish("$iothub/twin/GET/?$rid=1", "", 1);
      assertThat(second.await(t -> t.startsWith("$iothub/twin/res/200")).topic()).contains("$rid=1");
    }
  }

  @Test
  void qos2PublishClosesAndQos2SubscribeIsGrantedQos1() {
    String key = device(server, "qos-1", null);
    try (TestDevice d = connect("qos-1", key)) {
      assertThat(d.subscribe("$iothub/twin/res/#", 2)).isEqualTo(1);
      d.publish("devices/qos-1/messages/events/", "{\"t\": 1}", 2);
      assertThat(d.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void oversizedMessagesCloseOnlyThatConnection() {
    String key = device(server, "big-1", null);
    String otherKey = device(server, "big-2", null);
    try (TestDevice d = connect("big-1", key); TestDevice other = connect("big-2", otherKey)) {
      d.publish("devices/big-1/messages/events/", Buffer.buffer(new byte[256 * 1024 + 1]), 1);
      assertThat(d.closedWithin(Duration.ofSeconds(5))).isTrue();
      other.subscribe("$iothub/twin/res/#", 1);
      other.publish("$iothub/twin/GET/?$rid=1", "", 1);
      assertThat(other.await(t -> t.startsWith("$iothub/twin/res/200")).topic()).isNotNull();
    }
    try (TestDevice d = connect("big-1", key)) {
      d.publish("devices/big-1/messages/events/", Buffer.buffer(new byte[256 * 1024]), 1);
      d.subscribe("$iothub/twin/res/#", 1);
      assertThat(d.isConnected()).as("exactly 256 KB is allowed").isTrue();
    }
  }

  @Test
  void garbageBytesCloseOnlyThatConnection() throws Exception {
    String key = device(server, "garbage-1", null);
    try (TestDevice d = connect("garbage-1", key)) {
      NetClientOptions o = new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
          .setTrustOptions(new PemTrustOptions().addCertPath(caCert(server).toString()));
      NetSocket socket = vertx.createNetClient(o).connect(server.server().mqttPort(), "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      CountDownLatch closed = new CountDownLatch(1);
      socket.closeHandler(v -> closed.countDown());
      socket.write(Buffer.buffer(new byte[] {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3}));
      assertThat(closed.await(15, TimeUnit.SECONDS)).as("garbage connection closed (at the latest by the CONNECT timeout)").isTrue();
      d.subscribe("$iothub/twin/res/#", 1);
      d.publish("$iothub/twin/GET/?$rid=1", "", 1);
      assertThat(d.await(t -> t.startsWith("$iothub/twin/res/200")).topic()).isNotNull();
    }
  }

  @Test
  void connackCodes() {
    String key = device(server, "auth-1", null);
    int port = server.server().mqttPort();
    String wrongKey = io.flotilla.domain.device.SymmetricKeys.generate();
    try (TestDevice d = TestDevice.hub(vertx, port, caCert(server), "auth-1", wrongKey)) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }
    try (TestDevice d = TestDevice.hub(vertx, port, caCert(server), "nobody", key)) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }
    try (TestDevice d = TestDevice.hub(vertx, port, caCert(server), "auth-1", key, Instant.now().minusSeconds(5))) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }
    String token = SasToken.create("127.0.0.1/devices/auth-1", key, Instant.now().plusSeconds(600), false);
    try (TestDevice d = new TestDevice(vertx, port, caCert(server), "auth-1", "no-slashes-here", token)) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
    }
    String otherHost = SasToken.create("other.example/devices/auth-1", key, Instant.now().plusSeconds(600), false);
    try (TestDevice d = new TestDevice(vertx, port, caCert(server), "auth-1",
        "127.0.0.1/auth-1/?api-version=2021-04-12", otherHost)) {
      assertThat(d.connect()).as("sr names another host").isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }
    String secondary = await(server.server().wiring().services().devices().attestation("auth-1")).secondaryKey();
    try (TestDevice d = TestDevice.hub(vertx, port, caCert(server), "auth-1", secondary)) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
    }
  }

  @Test
  void blockingClosesTheSessionAndRefusesReconnection() {
    String key = device(server, "block-1", null);
    try (TestDevice d = connect("block-1", key)) {
      GatewayFixture.block(server, "block-1", true);
      assertThat(d.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
    try (TestDevice d = TestDevice.hub(vertx, server.server().mqttPort(), caCert(server), "block-1", key)) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
    }
    GatewayFixture.block(server, "block-1", false);
    try (TestDevice d = connect("block-1", key)) {
      assertThat(d.isConnected()).isTrue();
      await(server.server().wiring().services().devices().delete("block-1"));
      assertThat(d.closedWithin(Duration.ofSeconds(5))).as("deleting closes the session").isTrue();
    }
  }

  @Test
  void sessionsCloseWhenTheirTokenExpires() {
    String key = device(server, "expiry-1", null);
    try (TestDevice d = TestDevice.hub(vertx, server.server().mqttPort(), caCert(server), "expiry-1", key,
        server.clock().instant().plusSeconds(30)).connected()) {
      assertThat(d.isConnected()).isTrue();
      server.clock().advance(Duration.ofSeconds(31)); // past the token's expiry on the server's clock
      assertThat(d.closedWithin(Duration.ofSeconds(10))).as("closed by the next expiry sweep").isTrue();
    }
  }

  @Test
  void c2dMessagesReachSubscribedDevicesWithTheirProperties() {
    String key = device(server, "c2d-1", null);
    assertThat(gateway(server).channel().sendC2dHere("c2d-1", "x", java.util.Map.of())).isFalse();
    try (TestDevice d = connect("c2d-1", key)) {
      assertThat(gateway(server).channel().sendC2dHere("c2d-1", "x", java.util.Map.of())).as("not subscribed").isFalse();
      d.subscribe("devices/c2d-1/messages/devicebound/#", 1);
      assertThat(gateway(server).channel().sendC2dHere("c2d-1", "{\"go\":1}",
          java.util.Map.of("method-name", "start", "$.mid", "m1"))).isTrue();
      TestDevice.Received m = d.await(t -> t.startsWith("devices/c2d-1/messages/devicebound/"));
      assertThat(m.topic()).startsWith("devices/c2d-1/messages/devicebound/%24.mid=m1&%24.to=")
          .endsWith("&method-name=start");
      assertThat(m.payload()).isEqualTo("{\"go\":1}");
      assertThat(m.qos()).isEqualTo(1);
    }
  }
}
