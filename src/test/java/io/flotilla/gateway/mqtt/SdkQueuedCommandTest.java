package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.GatewayFixture.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import io.flotilla.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Azure IoT device SDK for Java receives a queued (durable) command in its C2D message callback: queued while the
 * device was offline, kept across a server restart, delivered when the device connects. Binds 127.0.0.1:8883.
 */
@Tag("sdk")
class SdkQueuedCommandTest {
  @Test
  void theJavaSdkGetsAQueuedCommandAfterARestartInItsMessageCallback() throws Exception {
    TestServer first = TestServer.start(c -> c.withMqttPort(8883));
    assertThat(first.api().put("/api/deviceTemplates/" + QueuedCommandsTest.TEMPLATE, QueuedCommandsTest.MODEL)
        .status()).isEqualTo(200);
    String key = device(first, "sdk-queued", QueuedCommandsTest.TEMPLATE);
    String id = first.api().post("/api/devices/sdk-queued/commands/reboot", "{\"request\": 42}").json().path("id")
        .asText();
    first.stop();
    try (TestServer second = TestServer.restart(first.dataDir(), c -> c.withMqttPort(8883))) {
      ClientOptions options = ClientOptions.builder()
          .sslContext(IotHubSSLContext.getSSLContextFromFile(GatewayFixture.caCert(second).toString())).build();
      DeviceClient client = new DeviceClient("HostName=127.0.0.1;DeviceId=sdk-queued;SharedAccessKey=" + key,
          IotHubClientProtocol.MQTT, options);
      LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
      client.setMessageCallback((m, context) -> {
        received.add(m);
        return IotHubMessageResult.COMPLETE;
      }, null);
      client.open(false);
      try {
        Message m = received.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("the queued command").isNotNull();
        assertThat(new String(m.getBytes(), StandardCharsets.UTF_8)).isEqualTo("42");
        assertThat(m.getMessageId()).isEqualTo(id);
        assertThat(m.getProperty("method-name")).isEqualTo("reboot");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(second.api()
            .get("/api/devices/sdk-queued/commands/reboot").json().path("value").path(0).path("status").asText())
            .isEqualTo("delivered"));
      } finally {
        client.close();
      }
    }
  }
}
