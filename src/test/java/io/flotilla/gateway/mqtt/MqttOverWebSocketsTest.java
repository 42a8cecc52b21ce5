package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.GatewayFixture.caCert;
import static io.flotilla.gateway.mqtt.GatewayFixture.device;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import io.flotilla.domain.device.SymmetricKeys;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT over secure WebSockets on a free port, with the Eclipse Paho client (what the Azure IoT Java SDK uses for
 * {@code MQTT_WS}): the same sessions, limits and DPS as the TLS MQTT listener.
 */
class MqttOverWebSocketsTest {
  static TestServer server;
  static Vertx vertx;
  static ApiClient api;
  static SSLContext trust;
  static int wsPort;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(c -> c.withMqttWsPort(0));
    vertx = Vertx.vertx();
    api = server.api();
    trust = IotHubSSLContext.getSSLContextFromFile(caCert(server).toString());
    wsPort = GatewayFixture.gateway(server).mqttWsPort();
    GatewayFixture.template(server);
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.close();
  }

  /** A Paho client over {@code wss://127.0.0.1:<port>/$iothub/websocket}, blocking, collecting what it receives. */
  static final class WsDevice implements AutoCloseable {
    final MqttClient client;
    final LinkedBlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    final CountDownLatch lost = new CountDownLatch(1);
    final MqttConnectOptions options = new MqttConnectOptions();

    WsDevice(String clientId, String username, String password) throws MqttException {
      client = new MqttClient("wss://127.0.0.1:" + wsPort + "/$iothub/websocket?iothub-no-client-cert=true",
          clientId, new MemoryPersistence());
      options.setUserName(username);
      options.setPassword(password.toCharArray());
      options.setSocketFactory(trust.getSocketFactory());
      options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      options.setCleanSession(false);
      options.setAutomaticReconnect(false);
      client.setCallback(new MqttCallback() {
        @Override
        public void connectionLost(Throwable cause) {
          lost.countDown();
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
          received.add(new String[] {topic, new String(message.getPayload(), UTF_8)});
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
      });
    }

    static WsDevice hub(String deviceId, String key) throws MqttException {
      String token = SasToken.create("127.0.0.1/devices/" + deviceId, key, Instant.now().plusSeconds(3600), false);
      return new WsDevice(deviceId, "127.0.0.1/" + deviceId + "/?api-version=2021-04-12", token);
    }

    WsDevice connected() throws MqttException {
      client.connect(options);
      return this;
    }

    void publish(String topic, String payload, int qos) throws MqttException {
      client.publish(topic, payload.getBytes(UTF_8), qos, false);
    }

    String[] await(Predicate<String> topic) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        String[] m = received.poll(100, TimeUnit.MILLISECONDS);
        if (m != null && topic.test(m[0])) {
          return m;
        }
      }
      throw new AssertionError("nothing received");
    }

    @Override
    public void close() throws MqttException {
      if (client.isConnected()) {
        client.disconnect(1000);
      }
      client.close(true);
    }
  }

  @Test
  void telemetryTwinAndCommandsWorkAsOverTls() throws Exception {
    String key = device(server, "ws-1", GatewayFixture.TEMPLATE_ID);
    try (WsDevice d = WsDevice.hub("ws-1", key).connected()) {
      d.publish("devices/ws-1/messages/events/$.ct=application%2Fjson&$.ce=utf-8", "{\"temperature\": 19.5}", 1);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
          api.get("/api/devices/ws-1/telemetry/temperature").json().path("value").asDouble()).isEqualTo(19.5));

      d.client.subscribe("$iothub/twin/res/#", 1);
      d.client.subscribe("$iothub/methods/POST/#", 1);
      d.publish("$iothub/twin/PATCH/properties/reported/?$rid=p1", "{\"battery\": 80}", 1);
      assertThat(d.await(t -> t.startsWith("$iothub/twin/res/"))[0]).isEqualTo("$iothub/twin/res/204/?$rid=p1&$version=2");
      d.publish("$iothub/twin/GET/?$rid=g1", "", 1);
      String[] twin = d.await(t -> t.startsWith("$iothub/twin/res/200"));
      assertThat(ApiClient.JSON.readTree(twin[1]).path("reported").path("battery").asInt()).isEqualTo(80);

      CompletableFuture<ApiClient.Response> call = CompletableFuture.supplyAsync(() ->
          api.post("/api/devices/ws-1/commands/reboot", "{\"request\": 3, \"responseTimeout\": 10}"));
      String[] req = d.await(t -> t.startsWith("$iothub/methods/POST/reboot/"));
      assertThat(req[1]).isEqualTo("3");
      d.publish("$iothub/methods/res/200/?$rid=" + req[0].substring(req[0].indexOf("$rid=") + 5), "{\"ok\": true}", 1);
      ApiClient.Response r = call.get(10, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.text()).isEqualTo(201);
      assertThat(r.json().path("response").path("ok").asBoolean()).isTrue();
    }
  }

  @Test
  void limitsAndCredentialsAreTheGateways() throws Exception {
    String key = device(server, "ws-limits", null);
    try (WsDevice d = WsDevice.hub("ws-limits", SymmetricKeys.generate())) {
      MqttException refused = catchThrowableOfType(d::connected, MqttException.class);
      assertThat(refused.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
    }
    try (WsDevice d = WsDevice.hub("ws-limits", key).connected()) {
      d.client.publish("devices/ws-limits/messages/events/", new byte[256 * 1024], 0, false);
      d.client.subscribe("$iothub/twin/res/#", 1);
      assertThat(d.client.isConnected()).as("exactly 256 KB is allowed").isTrue();
      d.client.publish("devices/ws-limits/messages/events/", new byte[256 * 1024 + 1], 0, false);
      assertThat(d.lost.await(10, TimeUnit.SECONDS)).as("an oversized message closes the connection").isTrue();
    }
    try (WsDevice d = WsDevice.hub("ws-limits", key).connected()) {
      d.publish("devices/other-device/messages/events/", "{}", 0);
      assertThat(d.lost.await(10, TimeUnit.SECONDS)).as("another device's topic closes the connection").isTrue();
    }
  }

  @Test
  void dpsRegistersOverWebSockets() throws Exception {
    String groupKey = api.get("/api/enrollmentGroups/default-sas").json().path("attestation").path("symmetricKey")
        .path("primaryKey").asText();
    String scope = server.server().wiring().application().idScope();
    String regId = "ws-dps-1";
    String token = SasToken.create(scope + "/registrations/" + regId, SymmetricKeys.derive(groupKey, regId),
        Instant.now().plusSeconds(600), false) + "&skn=registration";
    try (WsDevice d = new WsDevice(regId, scope + "/registrations/" + regId + "/api-version=2019-03-31", token)
        .connected()) {
      d.client.subscribe("$dps/registrations/res/#", 1);
      d.publish("$dps/registrations/PUT/iotdps-register/?$rid=1", "{\"registrationId\": \"" + regId + "\"}", 1);
      String[] accepted = d.await(t -> t.startsWith("$dps/registrations/res/"));
      assertThat(accepted[0]).startsWith("$dps/registrations/res/202/");
      String operationId = ApiClient.JSON.readTree(accepted[1]).path("operationId").asText();
      String[] assigned = {null};
      int[] rid = {1};
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
        d.publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=" + ++rid[0] + "&operationId="
            + operationId, " ", 1);
        String[] poll = d.await(t -> t.startsWith("$dps/registrations/res/"));
        assigned[0] = poll[0].startsWith("$dps/registrations/res/200/") ? poll[1] : null;
        return assigned[0] != null;
      });
      JsonNode state = ApiClient.JSON.readTree(assigned[0]).path("registrationState");
      assertThat(state.path("assignedHub").asText()).isEqualTo("127.0.0.1");
      assertThat(state.path("deviceId").asText()).isEqualTo(regId);
    }
    assertThat(api.get("/api/devices/" + regId).status()).isEqualTo(200);
  }

  @Test
  void onlyThePathAndSubprotocolOfIotHubAreServed() throws Exception {
    var client = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(caCert(server).toString())));
    assertThat(rejection(client, "/other", List.of("mqtt"))).isEqualTo(404);
    assertThat(rejection(client, "/$iothub/websocket", List.of())).isEqualTo(400);
    var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(wsPort)
        .setURI("/$iothub/websocket?iothub-no-client-cert=true").setSubProtocols(List.of("mqtt")))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(ws.subProtocol()).isEqualTo("mqtt");
    ws.close();
    JsonNode health = api.get("/healthz").json().path("listeners").path("mqttWebSockets");
    assertThat(health.path("port").asInt()).isEqualTo(wsPort);
    assertThat(health.path("state").asText()).isEqualTo("listening");
  }

  private static int rejection(io.vertx.core.http.WebSocketClient client, String uri, List<String> subprotocols)
      throws Exception {
    try {
      client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(wsPort).setURI(uri)
          .setSubProtocols(subprotocols)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("handshake on " + uri + " accepted");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(UpgradeRejectedException.class);
      return ((UpgradeRejectedException) e.getCause()).getStatus();
    }
  }

  @Test
  void aPortThatCannotBeBoundLeavesTheListenerOffWithoutFailingTheServer() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
         TestServer other = TestServer.start(c -> c.withMqttWsPort(taken.getLocalPort()))) {
      JsonNode health = other.api().get("/healthz").json().path("listeners").path("mqttWebSockets");
      assertThat(health.path("port").asInt()).isEqualTo(-1);
      assertThat(health.path("state").asText()).startsWith("off: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }
}
