package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.GatewayFixture.caCert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestCertificates;
import io.flotilla.testing.TestCertificates.Issued;
import io.flotilla.testing.TestServer;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * X.509 devices over real Vert.x MQTT clients presenting TLS client certificates: chains to verified group
 * certificates, individual thumbprints, and every refusal (CONNACK 0x05 Not authorized).
 */
class X509DevicesTest {
  private static final MqttConnectReturnCode ACCEPTED = MqttConnectReturnCode.CONNECTION_ACCEPTED;
  private static final MqttConnectReturnCode REFUSED = MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
  static TestServer server;
  static Vertx vertx;
  static ApiClient api;
  static String idScope;
  static Issued verifiedCa;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    vertx = Vertx.vertx();
    api = server.api();
    idScope = server.server().wiring().application().idScope();
    GatewayFixture.template(server);
    verifiedCa = TestCertificates.authority("X509DevicesTest verified CA");
    group("x509-verified", verifiedCa, true);
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.close();
  }

  private static void group(String id, Issued ca, boolean verified) {
    String body = ApiClient.JSON.createObjectNode().put("displayName", id).put("type", "iot").set("attestation",
        ApiClient.JSON.createObjectNode().put("type", "x509").set("x509", ApiClient.JSON.createObjectNode()
            .set("signingCertificates", ApiClient.JSON.createObjectNode().set("primary",
                ApiClient.JSON.createObjectNode().put("certificate", ca.pem()).put("verified", verified)))))
        .toString();
    assertThat(api.put("/api/enrollmentGroups/" + id, body).status()).isEqualTo(200);
  }

  private static PemKeyCertOptions presenting(Issued leaf) {
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(leaf.chainPem())).setKeyValue(Buffer.buffer(
        leaf.keyPem()));
  }

  private static TestDevice hub(String clientId, Issued leaf) {
    return new TestDevice(vertx, server.server().mqttPort(), caCert(server), clientId,
        "127.0.0.1/" + clientId + "/?api-version=2021-04-12", null, presenting(leaf));
  }

  private static TestDevice dps(String registrationId, Issued leaf) {
    return new TestDevice(vertx, server.server().mqttPort(), caCert(server), registrationId,
        idScope + "/registrations/" + registrationId + "/api-version=2019-03-31&ClientVersion=test", null,
        presenting(leaf));
  }

  private static MqttConnectReturnCode connect(TestDevice d) {
    try (d) {
      return d.connect();
    }
  }

  @Test
  void aCertificateChainingToAVerifiedGroupCertificateConnectsWithoutToken() throws Exception {
    GatewayFixture.device(server, "x509-hub-1", null);
    try (TestDevice d = hub("x509-hub-1", TestCertificates.leaf("x509-hub-1", verifiedCa)).connected()) {
      assertThat(d.subscribe("$iothub/twin/res/#", 0)).as("a working session").isZero();
    }
    // through an intermediate CA the device sends along
    Issued intermediate = TestCertificates.intermediate("X509DevicesTest intermediate", verifiedCa);
    assertThat(connect(hub("x509-hub-1", TestCertificates.leaf("x509-hub-1", intermediate)))).isEqualTo(ACCEPTED);
  }

  @Test
  void anUnknownDeviceRegistersThroughDpsByItsCertificateThenConnects() throws Exception {
    Issued leaf = TestCertificates.leaf("x509-dps-1", verifiedCa);
    try (TestDevice d = dps("x509-dps-1", leaf).connected()) {
      d.subscribe("$dps/registrations/res/#", 1);
      d.publish("$dps/registrations/PUT/iotdps-register/?$rid=1", "{\"registrationId\":\"x509-dps-1\","
          + "\"payload\":{\"modelId\":\"" + GatewayFixture.TEMPLATE_ID + "\"}}", 1);
      String op = ApiClient.JSON.readTree(d.await(t -> t.startsWith("$dps/registrations/res/202/")).payload())
          .path("operationId").asText();
      JsonNode[] done = {null};
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            d.publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=p&operationId=" + op, " ", 1);
            TestDevice.Received r = d.await(t -> t.startsWith("$dps/registrations/res/"));
            if (r.topic().startsWith("$dps/registrations/res/200/")) {
              done[0] = ApiClient.JSON.readTree(r.payload());
            }
            return done[0] != null;
          });
      assertThat(done[0].path("status").asText()).isEqualTo("assigned");
      assertThat(done[0].path("registrationState").path("deviceId").asText()).isEqualTo("x509-dps-1");
    }
    JsonNode attestation = api.get("/api/devices/x509-dps-1/attestation").json();
    assertThat(attestation.path("type").asText()).isEqualTo("x509");
    assertThat(api.get("/api/devices/x509-dps-1").json().path("template").asText())
        .isEqualTo(GatewayFixture.TEMPLATE_ID);
    assertThat(connect(hub("x509-dps-1", leaf))).isEqualTo(ACCEPTED);
    // DPS refuses a registration id that is not the certificate's CN
    assertThat(connect(dps("x509-dps-2", leaf))).isEqualTo(REFUSED);
  }

  @Test
  void unverifiedExpiredWrongCnAndUnknownCertificatesAreRefused() {
    GatewayFixture.device(server, "x509-bad-1", null);
    Issued unverified = TestCertificates.authority("X509DevicesTest unverified CA");
    group("x509-unverified", unverified, false);
    assertThat(connect(hub("x509-bad-1", TestCertificates.leaf("x509-bad-1", unverified)))).isEqualTo(REFUSED);
    assertThat(connect(dps("x509-bad-1", TestCertificates.leaf("x509-bad-1", unverified)))).isEqualTo(REFUSED);

    Issued expired = TestCertificates.leaf("x509-bad-1", verifiedCa, Instant.now().minus(Duration.ofDays(2)),
        Instant.now().minus(Duration.ofDays(1)));
    assertThat(connect(hub("x509-bad-1", expired))).isEqualTo(REFUSED);
    Issued notYet = TestCertificates.leaf("x509-bad-1", verifiedCa, Instant.now().plus(Duration.ofDays(1)),
        Instant.now().plus(Duration.ofDays(2)));
    assertThat(connect(hub("x509-bad-1", notYet))).isEqualTo(REFUSED);

    assertThat(connect(hub("x509-bad-1", TestCertificates.leaf("someone-else", verifiedCa)))).isEqualTo(REFUSED);
    assertThat(connect(hub("x509-bad-1", TestCertificates.selfSigned("x509-bad-1")))).isEqualTo(REFUSED);
    // a leaf that claims the verified CA as issuer but was signed by another key
    Issued forger = TestCertificates.authority("X509DevicesTest verified CA");
    assertThat(connect(hub("x509-bad-1", TestCertificates.leaf("x509-bad-1", forger)))).isEqualTo(REFUSED);
    // a good certificate for a device that does not exist (it must register through DPS first)
    assertThat(connect(hub("x509-nobody", TestCertificates.leaf("x509-nobody", verifiedCa)))).isEqualTo(REFUSED);
    // the ClientId must be the username's device: malformed, 0x04
    try (TestDevice d = new TestDevice(vertx, server.server().mqttPort(), caCert(server), "x509-bad-1",
        "127.0.0.1/other/?api-version=2021-04-12", null, presenting(TestCertificates.leaf("x509-bad-1", verifiedCa)))) {
      assertThat(d.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
    }
  }

  @Test
  void anIndividualDeviceMatchesByThumbprint() {
    GatewayFixture.device(server, "x509-own-1", null);
    Issued mine = TestCertificates.selfSigned("x509-own-1");
    Issued other = TestCertificates.selfSigned("x509-own-1");
    assertThat(connect(hub("x509-own-1", mine))).as("before the attestation names it").isEqualTo(REFUSED);
    assertThat(api.put("/api/devices/x509-own-1/attestation", "{\"type\":\"x509\",\"x509\":{\"clientCertificates\":"
        + "{\"primary\":{\"info\":{\"sha1Thumbprint\":\"" + TestCertificates.thumbprint(mine) + "\"}}}}}").status())
        .isEqualTo(200);
    assertThat(connect(hub("x509-own-1", mine))).isEqualTo(ACCEPTED);
    assertThat(connect(hub("x509-own-1", other))).as("thumbprint mismatch").isEqualTo(REFUSED);
    // a known device registers through DPS by its own thumbprint too
    assertThat(connect(dps("x509-own-1", mine))).isEqualTo(ACCEPTED);
    GatewayFixture.block(server, "x509-own-1", true);
    assertThat(connect(hub("x509-own-1", mine))).as("blocked: server unavailable")
        .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
  }

  @Test
  void aRemovedOrReplacedGroupCertificateStopsAdmittingItsDevices() {
    Issued ca = TestCertificates.authority("X509DevicesTest revoked CA");
    group("x509-revoked", ca, true);
    GatewayFixture.device(server, "x509-rev-1", null);
    Issued leaf = TestCertificates.leaf("x509-rev-1", ca);
    assertThat(connect(hub("x509-rev-1", leaf))).isEqualTo(ACCEPTED);
    Issued next = TestCertificates.authority("X509DevicesTest next CA");
    assertThat(api.put("/api/enrollmentGroups/x509-revoked/certificates/primary",
        ApiClient.JSON.createObjectNode().put("certificate", next.base64()).put("verified", true).toString()).status())
        .isEqualTo(200);
    assertThat(connect(hub("x509-rev-1", leaf))).as("replaced").isEqualTo(REFUSED);
    assertThat(connect(hub("x509-rev-1", TestCertificates.leaf("x509-rev-1", next)))).isEqualTo(ACCEPTED);
    assertThat(api.delete("/api/enrollmentGroups/x509-revoked/certificates/primary").status()).isEqualTo(204);
    assertThat(connect(hub("x509-rev-1", TestCertificates.leaf("x509-rev-1", next)))).as("removed")
        .isEqualTo(REFUSED);
    // disabling the group also stops it
    group("x509-revoked", ca, true);
    assertThat(connect(hub("x509-rev-1", leaf))).isEqualTo(ACCEPTED);
    assertThat(api.patch("/api/enrollmentGroups/x509-revoked", "{\"enabled\":false}").status()).isEqualTo(200);
    assertThat(connect(hub("x509-rev-1", leaf))).as("group disabled").isEqualTo(REFUSED);
  }

  @Test
  void sasDevicesStillConnectWithoutCertificate() {
    String key = GatewayFixture.device(server, "x509-sas-1", null);
    assertThat(connect(TestDevice.hub(vertx, server.server().mqttPort(), caCert(server), "x509-sas-1", key)))
        .isEqualTo(ACCEPTED);
  }
}
