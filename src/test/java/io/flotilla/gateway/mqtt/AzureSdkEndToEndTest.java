package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.GatewayFixture.await;
import static io.flotilla.gateway.mqtt.GatewayFixture.gateway;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.device.AdditionalData;
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
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The published Azure IoT Java SDKs (device client 2.5.0, provisioning client 2.1.3) against a real server. The SDKs
 * hard-code port 8883, so this class binds 127.0.0.1:8883 and must not run in parallel with another user of it.
 */
@Tag("sdk")
class AzureSdkEndToEndTest {
  static TestServer server;
  static ApiClient api;
  static SSLContext trust;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(c -> c.withMqttPort(8883));
    api = server.api();
    trust = IotHubSSLContext.getSSLContextFromFile(GatewayFixture.caCert(server).toString());
    GatewayFixture.template(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A symmetric-key provider that trusts the server's generated certificate. */
  static final class TrustingKeyProvider extends SecurityProviderSymmetricKey {
    TrustingKeyProvider(String keyBase64, String registrationId) {
      super(keyBase64.getBytes(UTF_8), registrationId);
    }

    @Override
    public SSLContext getSSLContext() {
      return trust;
    }
  }

  private static ClientOptions options() {
    return ClientOptions.builder().sslContext(trust).modelId(GatewayFixture.TEMPLATE_ID).build();
  }

  @Test
  void provisionConnectAndUseEveryFeatureThroughTheSdk() throws Exception {
    String groupKey = api.get("/api/enrollmentGroups/default-sas").json().path("attestation").path("symmetricKey")
        .path("primaryKey").asText();
    String regId = "sdk-thermostat-1";
    String derived = SymmetricKeys.derive(groupKey, regId);
    String idScope = server.server().wiring().application().idScope();

    ProvisioningDeviceClient dps = ProvisioningDeviceClient.create("127.0.0.1", idScope,
        ProvisioningDeviceClientTransportProtocol.MQTT, new TrustingKeyProvider(derived, regId));
    AdditionalData data = new AdditionalData();
    data.setProvisioningPayload("{\"modelId\":\"" + GatewayFixture.TEMPLATE_ID + "\"}");
    ProvisioningDeviceClientRegistrationResult result = dps.registerDeviceSync(data);
    dps.close();
    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getIothubUri()).isEqualTo("127.0.0.1");
    assertThat(result.getDeviceId()).isEqualTo(regId);
    assertThat(result.getProvisioningPayload()).contains(GatewayFixture.TEMPLATE_ID);
    assertThat(api.get("/api/devices/" + regId + "/telemetry/temperature").status()).isEqualTo(404);

    // the SecurityProvider constructor ignores ClientOptions.sslContext, so connect with the derived key itself
    DeviceClient client = new DeviceClient("HostName=" + result.getIothubUri() + ";DeviceId=" + result.getDeviceId()
        + ";SharedAccessKey=" + derived, IotHubClientProtocol.MQTT, options());
    BlockingQueue<IotHubConnectionStatus> statuses = new LinkedBlockingQueue<>();
    client.setConnectionStatusChangeCallback(ctx -> statuses.add(ctx.getNewStatus()), null);
    client.open(false);
    try {
      // telemetry, root and component
      Message m = new Message("{\"temperature\": 23.25}");
      m.setContentType("application/json");
      m.setContentEncoding("utf-8");
      client.sendEvent(m);
      Message c = new Message("{\"temperature\": 31}");
      c.setContentType("application/json");
      c.setContentEncoding("utf-8");
      c.setComponentName("thermostat1");
      client.sendEvent(c);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(api.get("/api/devices/" + regId + "/telemetry/temperature").json().path("value").asDouble())
            .isEqualTo(23.25);
        assertThat(api.get("/api/devices/" + regId + "/components/thermostat1/telemetry/temperature").json()
            .path("value").asInt()).isEqualTo(31);
      });

      // twin: desired property through the service side, acknowledged by the device
      BlockingQueue<Twin> desired = new LinkedBlockingQueue<>();
      client.subscribeToDesiredProperties((twin, ctx) -> desired.add(twin), null);
      IotHubTransportMessage got = SdkTwinRequests.getTwin(client).get(30, TimeUnit.SECONDS);
      assertThat(got.getStatus()).isEqualTo("200");
      Twin twin = SdkTwinRequests.twin(got);
      int initialVersion = twin.getDesiredProperties().getVersion();
      assertThat(initialVersion).isPositive();
      ObjectNode write = (ObjectNode) ApiClient.JSON.readTree("{\"targetTemperature\": 24.5}");
      await(server.server().wiring().services().properties().write(regId, null, write, false));
      Twin update = desired.poll(10, TimeUnit.SECONDS);
      assertThat(update).as("desired patch reached the SDK").isNotNull();
      int version = update.getDesiredProperties().getVersion();
      assertThat(version).isGreaterThan(initialVersion);
      assertThat(((Number) update.getDesiredProperties().get("targetTemperature")).doubleValue()).isEqualTo(24.5);
      TwinCollection ack = new TwinCollection();
      ack.put("targetTemperature", Map.of("value", 24.5, "ac", 200, "av", version, "ad", "applied"));
      IotHubTransportMessage acked = SdkTwinRequests.updateReported(client, ack).get(30, TimeUnit.SECONDS);
      assertThat(acked.getStatus()).isEqualTo("204");
      assertThat(acked.getVersion()).as("the new reported $version, read from the response topic").isEqualTo(2);
      JsonNode props = await(server.server().wiring().services().properties().get(regId, null));
      assertThat(props.path("$metadata").path("targetTemperature").path("ackState").asText()).isEqualTo("accepted");

      // command through REST, answered by the SDK's method callback
      client.subscribeToMethods((name, payload, ctx) -> name.equals("reboot")
          ? new DirectMethodResponse(200, "{\"delay\":" + payload.getPayloadAsJsonString() + "}")
          : new DirectMethodResponse(404, null), null);
      ApiClient.Response run = api.post("/api/devices/" + regId + "/commands/reboot", "{\"request\": 3}");
      assertThat(run.status()).as(run.text()).isEqualTo(201);
      assertThat(run.json().path("responseCode").asInt()).isEqualTo(200);
      assertThat(run.json().path("response").toString()).contains("delay");

      // blocking disconnects the device, and it cannot come back
      statuses.clear();
      GatewayFixture.block(server, regId, true);
      IotHubConnectionStatus next = statuses.poll(10, TimeUnit.SECONDS);
      assertThat(next).isIn(IotHubConnectionStatus.DISCONNECTED, IotHubConnectionStatus.DISCONNECTED_RETRYING);
    } finally {
      client.close();
    }
    DeviceClient blocked = new DeviceClient("HostName=127.0.0.1;DeviceId=" + regId + ";SharedAccessKey=" + derived,
        IotHubClientProtocol.MQTT, options());
    IotHubClientException refused = catchThrowableOfType(IotHubClientException.class, () -> blocked.open(false));
    assertThat(refused).isNotNull();
    assertThat(refused.getStatusCode()).isEqualTo(IotHubStatusCode.SERVER_BUSY);
    blocked.close();
  }

  @Test
  void wrongKeysAndExpiredTokensAreRefused() throws Exception {
    String key = GatewayFixture.device(server, "sdk-auth-1", null);
    DeviceClient wrong = new DeviceClient("HostName=127.0.0.1;DeviceId=sdk-auth-1;SharedAccessKey="
        + SymmetricKeys.generate(), IotHubClientProtocol.MQTT, options());
    IotHubClientException e = catchThrowableOfType(IotHubClientException.class, () -> wrong.open(false));
    assertThat(e).isNotNull();
    assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED);
    wrong.close();

    String expired = SasToken.create("127.0.0.1/devices/sdk-auth-1", key, Instant.now().minusSeconds(60), false);
    DeviceClient old = new DeviceClient("127.0.0.1", "sdk-auth-1", expired::toCharArray, IotHubClientProtocol.MQTT,
        options());
    IotHubClientException e2 = catchThrowableOfType(IotHubClientException.class, () -> old.open(false));
    assertThat(e2).isNotNull();
    assertThat(e2.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED);
    old.close();

    DeviceClient right = new DeviceClient("HostName=127.0.0.1;DeviceId=sdk-auth-1;SharedAccessKey=" + key,
        IotHubClientProtocol.MQTT, options());
    right.open(false);
    assertThat(gateway(server).channel().connectedHere("sdk-auth-1")).isTrue();
    right.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> !gateway(server).channel().connectedHere("sdk-auth-1"));
  }
}
