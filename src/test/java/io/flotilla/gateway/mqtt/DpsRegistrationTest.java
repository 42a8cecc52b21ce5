package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.GatewayFixture.await;
import static io.flotilla.gateway.mqtt.GatewayFixture.caCert;
import static io.flotilla.gateway.mqtt.GatewayFixture.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.SymmetricKeys;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DPS registration over MQTT (Vert.x client) and the enrollment group REST API. */
class DpsRegistrationTest {
  static TestServer server;
  static Vertx vertx;
  static ApiClient api;
  static String idScope;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    vertx = Vertx.vertx();
    api = server.api();
    idScope = server.server().wiring().application().idScope();
    GatewayFixture.template(server);
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.close();
  }

  /**
   * Polls the operation's status, as a device does, until it is assigned (202 {@code assigning} until then); answers
   * the 200. Waits for the condition, not for a guessed time.
   */
  private static TestDevice.Received pollUntilAssigned(TestDevice d, String operationId) {
    int[] rid = {0};
    TestDevice.Received[] assigned = {null};
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          String id = "poll-" + ++rid[0];
          d.publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=" + id + "&operationId=" + operationId,
              " ", 1);
          TestDevice.Received poll = d.await(t -> t.startsWith("$dps/registrations/res/"));
          assertThat(poll.topic()).contains("?$rid=" + id);
          if (poll.topic().startsWith("$dps/registrations/res/200/")) {
            assigned[0] = poll;
          }
          return assigned[0] != null;
        });
    return assigned[0];
  }

  private TestDevice registration(String scope, String regId, String key) {
    String token = SasToken.create(scope + "/registrations/" + regId, key, Instant.now().plusSeconds(600), false)
        + "&skn=registration";
    return new TestDevice(vertx, server.server().mqttPort(), caCert(server), regId,
        scope + "/registrations/" + regId + "/api-version=2019-03-31&ClientVersion=test", token);
  }

  private static String groupKey(String groupId) {
    return api.get("/api/enrollmentGroups/" + groupId).json().path("attestation").path("symmetricKey")
        .path("primaryKey").asText();
  }

  @Test
  void anUnknownDeviceWithAGroupDerivedKeyIsCreatedAssignedAndCanConnect() throws Exception {
    String derived = SymmetricKeys.derive(groupKey("default-sas"), "dps-new-1");
    try (TestDevice d = registration(idScope, "dps-new-1", derived).connected()) {
      d.subscribe("$dps/registrations/res/#", 1);
      long sent = System.nanoTime();
      d.publish("$dps/registrations/PUT/iotdps-register/?$rid=1",
          "{\"registrationId\":\"dps-new-1\",\"payload\":\"{\\\"modelId\\\":\\\"" + GatewayFixture.TEMPLATE_ID + "\\\"}\"}", 0);
      TestDevice.Received accepted = d.await(t -> t.startsWith("$dps/registrations/res/"));
      assertThat(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent))
          .as("a reply leaves no sooner than the Java provisioning client starts waiting for it")
          .isGreaterThanOrEqualTo(DpsSession.REPLY_DELAY_MILLIS);
      assertThat(accepted.topic()).isEqualTo("$dps/registrations/res/202/?$rid=1&retry-after=1");
      JsonNode body = ApiClient.JSON.readTree(accepted.payload());
      assertThat(body.path("status").asText()).isEqualTo("assigning");
      String operationId = body.path("operationId").asText();
      assertThat(operationId).isNotEmpty();

      JsonNode done = ApiClient.JSON.readTree(pollUntilAssigned(d, operationId).payload());
      assertThat(done.path("status").asText()).isEqualTo("assigned");
      JsonNode state = done.path("registrationState");
      assertThat(state.path("assignedHub").asText()).isEqualTo("127.0.0.1");
      assertThat(state.path("deviceId").asText()).isEqualTo("dps-new-1");
      assertThat(state.path("payload").path("modelId").asText()).isEqualTo(GatewayFixture.TEMPLATE_ID);
    }
    Device created = await(server.server().wiring().services().devices().get("dps-new-1"));
    assertThat(created.templateId()).isEqualTo(GatewayFixture.TEMPLATE_ID);
    assertThat(created.enabled()).isTrue();
    assertThat(created.simulated()).isFalse();
    assertThat(created.provisioned()).isTrue();
    try (TestDevice hub = TestDevice.hub(vertx, server.server().mqttPort(), caCert(server), "dps-new-1", derived)) {
      assertThat(hub.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
    }
  }

  @Test
  void aKnownDeviceRegistersWithItsOwnKeyAndBecomesProvisioned() throws Exception {
    String key = GatewayFixture.device(server, "dps-known-1", null);
    assertThat(await(server.server().wiring().services().devices().get("dps-known-1")).provisioned()).isFalse();
    try (TestDevice d = registration(idScope, "dps-known-1", key).connected()) {
      d.subscribe("$dps/registrations/res/#", 0);
      d.publish("$dps/registrations/PUT/iotdps-register/?$rid=a", "{\"registrationId\":\"dps-known-1\","
          + "\"payload\":{\"modelId\":\"" + GatewayFixture.TEMPLATE_ID + "\"}}", 1);
      String op = ApiClient.JSON.readTree(d.await(t -> t.startsWith("$dps/")).payload()).path("operationId").asText();
      assertThat(pollUntilAssigned(d, op).topic()).matches("\\$dps/registrations/res/200/\\?\\$rid=poll-\\d+");
    }
    Device device = await(server.server().wiring().services().devices().get("dps-known-1"));
    assertThat(device.provisioned()).isTrue();
    assertThat(device.templateId()).as("modelId assigns the template").isEqualTo(GatewayFixture.TEMPLATE_ID);
  }

  @Test
  void wrongScopeWrongKeyAndDisabledGroupsAreRefused() {
    String groupKey = groupKey("default-sas");
    try (TestDevice d = registration("0ne00000000", "dps-x", SymmetricKeys.derive(groupKey, "dps-x"))) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }
    try (TestDevice d = registration(idScope, "dps-x", SymmetricKeys.derive(groupKey, "someone-else"))) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }
    assertThat(api.put("/api/enrollmentGroups/off-group", "{\"displayName\":\"Off\",\"type\":\"iot\",\"enabled\":false,"
        + "\"attestation\":{\"type\":\"symmetricKey\"}}").status()).isEqualTo(200);
    try (TestDevice d = registration(idScope, "dps-x", SymmetricKeys.derive(groupKey("off-group"), "dps-x"))) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }
    assertThat(api.patch("/api/enrollmentGroups/off-group", "{\"enabled\":true}").status()).isEqualTo(200);
    try (TestDevice d = registration(idScope, "dps-x", SymmetricKeys.derive(groupKey("off-group"), "dps-x"))) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
    }
  }

  @Test
  void aHubSessionMayNotUseDpsTopicsNorADpsSessionHubTopics() {
    String derived = SymmetricKeys.derive(groupKey("default-sas"), "dps-y");
    try (TestDevice d = registration(idScope, "dps-y", derived).connected()) {
      d.subscribeWithoutWaiting("$iothub/twin/res/#", 1);
      assertThat(d.closedWithin(java.time.Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void enrollmentGroupCrud() {
    JsonNode list = api.get("/api/enrollmentGroups").json();
    assertThat(list.path("value").findValuesAsText("id")).contains("default-sas");
    assertThat(api.get("/api/enrollmentGroups/default-sas").json().path("displayName").asText())
        .isEqualTo("SAS-IoT-Devices");

    String primary = SymmetricKeys.generate();
    ApiClient.Response put = api.put("/api/enrollmentGroups/crud-1", "{\"displayName\":\"Crud\",\"type\":\"iotEdge\","
        + "\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + primary + "\"}}}");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().path("id").asText()).isEqualTo("crud-1");
    assertThat(put.json().path("enabled").asBoolean()).isTrue();
    assertThat(put.json().path("type").asText()).isEqualTo("iotEdge");
    assertThat(put.json().path("attestation").path("symmetricKey").path("primaryKey").asText()).isEqualTo(primary);
    assertThat(put.json().path("attestation").path("symmetricKey").path("secondaryKey").asText()).isNotEmpty();
    assertThat(put.json().path("etag").asText()).isNotEmpty();

    ApiClient.Response patched = api.patch("/api/enrollmentGroups/crud-1", "{\"displayName\":\"Renamed\"}");
    assertThat(patched.json().path("displayName").asText()).isEqualTo("Renamed");
    assertThat(patched.json().path("attestation").path("symmetricKey").path("primaryKey").asText()).isEqualTo(primary);

    assertThat(api.put("/api/enrollmentGroups/bad_id", "{\"displayName\":\"x\",\"type\":\"iot\","
        + "\"attestation\":{\"type\":\"symmetricKey\"}}").status()).isEqualTo(400);
    assertThat(api.put("/api/enrollmentGroups/no-type", "{\"displayName\":\"x\","
        + "\"attestation\":{\"type\":\"symmetricKey\"}}").status()).isEqualTo(400);
    assertThat(api.put("/api/enrollmentGroups/x509", "{\"displayName\":\"x\",\"type\":\"iot\","
        + "\"attestation\":{\"type\":\"x509\"}}").status()).isEqualTo(400);
    assertThat(api.put("/api/enrollmentGroups/crud-1", "{\"displayName\":\"x\",\"type\":\"iot\",\"etag\":\"\\\"stale\\\"\","
        + "\"attestation\":{\"type\":\"symmetricKey\"}}").status()).isEqualTo(412);

    assertThat(api.delete("/api/enrollmentGroups/crud-1").status()).isEqualTo(204);
    assertThat(api.get("/api/enrollmentGroups/crud-1").status()).isEqualTo(404);
    assertThat(api.delete("/api/enrollmentGroups/crud-1").status()).isEqualTo(404);
  }
}
