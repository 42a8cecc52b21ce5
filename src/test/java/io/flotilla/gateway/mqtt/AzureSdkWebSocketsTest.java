package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.GatewayFixture.gateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import io.flotilla.domain.device.SymmetricKeys;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.SdkTwinRequests;
import io.flotilla.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Azure IoT Java SDKs with {@code MQTT_WS} (device client) and DPS {@code MQTT_WS}: both hard-code port 443, so
 * this class binds 127.0.0.1:443 (run it under {@code flock /tmp/flotilla-443.lock}) and is skipped when that port
 * cannot be bound (not root, or taken).
 */
@Tag("sdk")
class AzureSdkWebSocketsTest {
  static TestServer server;
  static ApiClient api;
  static SSLContext trust;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(c -> c.withMqttWsPort(443));
    int port = gateway(server).mqttWsPort();
    if (port != 443) {
      String why = gateway(server).gateway().webSocketState();
      server.close();
      Assumptions.abort("MQTT over WebSockets needs 127.0.0.1:443, which cannot be bound here (" + why
          + "): skipped");
    }
    api = server.api();
    trust = IotHubSSLContext.getSSLContextFromFile(GatewayFixture.caCert(server).toString());
    GatewayFixture.template(server);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      server.close();
    }
  }

  @Test
  void provisionConnectAndUseTheDeviceOverWebSockets() throws Exception {
    String groupKey = api.get("/api/enrollmentGroups/default-sas").json().path("attestation").path("symmetricKey")
        .path("primaryKey").asText();
    String regId = "sdk-ws-1";
    String derived = SymmetricKeys.derive(groupKey, regId);
    String idScope = server.server().wiring().application().idScope();
    ProvisioningDeviceClient dps = ProvisioningDeviceClient.create("127.0.0.1", idScope,
        ProvisioningDeviceClientTransportProtocol.MQTT_WS,
        new SecurityProviderSymmetricKey(derived.getBytes(java.nio.charset.StandardCharsets.UTF_8), regId) {
          @Override
          public SSLContext getSSLContext() {
            return trust;
          }
        });
    ProvisioningDeviceClientRegistrationResult result = dps.registerDeviceSync();
    dps.close();
    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getDeviceId()).isEqualTo(regId);

    DeviceClient client = new DeviceClient("HostName=" + result.getIothubUri() + ";DeviceId=" + regId
        + ";SharedAccessKey=" + derived, IotHubClientProtocol.MQTT_WS,
        ClientOptions.builder().sslContext(trust).modelId(GatewayFixture.TEMPLATE_ID).build());
    client.open(false);
    try {
      assertThat(gateway(server).channel().connectedHere(regId)).isTrue();
      Message m = new Message("{\"temperature\": 17.75}");
      m.setContentType("application/json");
      m.setContentEncoding("utf-8");
      client.sendEvent(m);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
          api.get("/api/devices/" + regId + "/telemetry/temperature").json().path("value").asDouble())
          .isEqualTo(17.75));

      client.subscribeToDesiredProperties((twin, ctx) -> { }, null);
      TwinCollection reported = new TwinCollection();
      reported.put("battery", 42);
      IotHubTransportMessage acked = SdkTwinRequests.updateReported(client, reported).get(30, TimeUnit.SECONDS);
      assertThat(acked.getStatus()).isEqualTo("204");

      client.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, "{\"via\":\"wss\"}"), null);
      ApiClient.Response run = api.post("/api/devices/" + regId + "/commands/reboot", "{\"request\": 1}");
      assertThat(run.status()).as(run.text()).isEqualTo(201);
      assertThat(run.json().path("responseCode").asInt()).isEqualTo(200);
      assertThat(run.json().path("response").toString()).contains("wss");
    } finally {
      client.close();
    }

    DeviceClient wrong = new DeviceClient("HostName=127.0.0.1;DeviceId=" + regId + ";SharedAccessKey="
        + SymmetricKeys.generate(), IotHubClientProtocol.MQTT_WS, ClientOptions.builder().sslContext(trust).build());
    IotHubClientException refused = catchThrowableOfType(IotHubClientException.class, () -> wrong.open(false));
    assertThat(refused).isNotNull();
    assertThat(refused.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED);
    wrong.close();
  }
}
