package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import io.flotilla.domain.device.ModuleService;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Azure IoT device SDK's {@code ModuleClient} (MQTT, module connection string with the key derived from the
 * device's) against a real server: telemetry, reported and desired properties, and a command, next to the device's
 * own session. Binds 127.0.0.1:8883 (the SDK's fixed port): run under {@code flock /tmp/flotilla-8883.lock}.
 */
@Tag("sdk")
class SdkModuleClientTest {
  static TestServer server;
  static ApiClient api;
  static SSLContext trust;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(c -> c.withMqttPort(8883));
    api = server.api();
    trust = IotHubSSLContext.getSSLContextFromFile(GatewayFixture.caCert(server).toString());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aModuleClientSendsTelemetryReportsPropertiesTakesDesiredOnesAndAnswersCommands() throws Exception {
    String deviceKey = GatewayFixture.device(server, "sdk-edge-1", null);
    String moduleKey = ModuleService.moduleKey(deviceKey, "filter");
    ModuleClient client = new ModuleClient("HostName=127.0.0.1;DeviceId=sdk-edge-1;ModuleId=filter;SharedAccessKey="
        + moduleKey, IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(trust).build());
    client.open(false);
    try {
      assertThat(api.get("/api/devices/sdk-edge-1/modules").json().path("value").get(0).path("name").asText())
          .isEqualTo("filter");

      Message m = new Message("{\"temperature\": 19.75}");
      m.setContentType("application/json");
      m.setContentEncoding("utf-8");
      client.sendEvent(m);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.get(
          "/api/devices/sdk-edge-1/modules/filter/telemetry/temperature").json().path("value").asDouble())
          .isEqualTo(19.75));

      BlockingQueue<Twin> desired = new LinkedBlockingQueue<>();
      client.subscribeToDesiredProperties((twin, ctx) -> desired.add(twin), null);
      TwinCollection reported = new TwinCollection();
      reported.put("firmware", "1.2.3");
      client.updateReportedProperties(reported);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.get(
          "/api/devices/sdk-edge-1/modules/filter/properties").json().path("firmware").asText()).isEqualTo("1.2.3"));

      ApiClient.Response patched = api.patch("/api/devices/sdk-edge-1/modules/filter/properties",
          "{\"threshold\": 42}");
      assertThat(patched.status()).as(patched.text()).isEqualTo(202);
      Twin update = desired.poll(10, TimeUnit.SECONDS);
      while (update != null && update.getDesiredProperties().get("threshold") == null) {
        update = desired.poll(10, TimeUnit.SECONDS); // the subscription's first callback may carry the whole twin
      }
      assertThat(update).as("the desired patch reached the module").isNotNull();
      assertThat(((Number) update.getDesiredProperties().get("threshold")).intValue()).isEqualTo(42);

      client.subscribeToMethods((name, payload, ctx) -> name.equals("reset")
          ? new DirectMethodResponse(200, "{\"was\":" + payload.getPayloadAsJsonString() + "}")
          : new DirectMethodResponse(404, null), null);
      ApiClient.Response run = api.post("/api/devices/sdk-edge-1/modules/filter/commands/reset",
          "{\"request\": 7, \"responseTimeout\": 10}");
      assertThat(run.status()).as(run.text()).isEqualTo(201);
      assertThat(run.json().path("responseCode").asInt()).isEqualTo(200);
      assertThat(run.json().path("response").toString()).contains("was").contains("7");
      assertThat(api.get("/api/devices/sdk-edge-1/modules/filter/commands/reset").json().path("value").get(0)
          .path("responseCode").asInt()).isEqualTo(200);
    } finally {
      client.close();
    }
  }
}
