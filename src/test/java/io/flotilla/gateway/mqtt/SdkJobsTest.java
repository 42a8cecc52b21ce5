package io.flotilla.gateway.mqtt;

import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.SdkTwinRequests;
import io.flotilla.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Flotilla's job extensions with devices on the published Azure IoT Java device SDK (2.5.0): waiting for a sleeping
 * device, retries, confirmed property jobs, ramps, success gates, continuous jobs. Binds 127.0.0.1:8883.
 */
@Tag("sdk")
class SdkJobsTest {
  static TestServer server;
  static ApiClient api;
  static SSLContext trust;
  private final List<DeviceClient> clients = new ArrayList<>();

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

  @AfterEach
  void closeClients() throws Exception {
    for (DeviceClient c : clients) {
      c.close();
    }
  }

  /** A device on the SDK: answers methods from a script (then 200), records when each arrived. */
  final class SdkDevice {
    final String id;
    final DeviceClient client;
    final Deque<Integer> script = new ConcurrentLinkedDeque<>();
    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    final BlockingQueue<Twin> desired = new LinkedBlockingQueue<>();

    SdkDevice(String id) throws Exception {
      this.id = id;
      String key = GatewayFixture.device(server, id, GatewayFixture.TEMPLATE_ID);
      client = new DeviceClient("HostName=127.0.0.1;DeviceId=" + id + ";SharedAccessKey=" + key,
          IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(trust).build());
      clients.add(client);
    }

    SdkDevice connect() throws Exception {
      client.open(false);
      client.subscribeToDesiredProperties((twin, ctx) -> desired.add(twin), null);
      client.subscribeToMethods((name, payload, ctx) -> {
        arrivals.add(System.nanoTime());
        Integer status = script.pollFirst();
        return new DirectMethodResponse(status == null ? 200 : status, "{}");
      }, null);
      return this;
    }

    void acknowledge(int version, int ac, String ad) throws Exception {
      TwinCollection ack = new TwinCollection();
      ack.put("targetTemperature", Map.of("value", 21.5, "ac", ac, "av", version, "ad", ad));
      assertThat(SdkTwinRequests.updateReported(client, ack).get(30, TimeUnit.SECONDS).getStatus()).isEqualTo("204");
    }
  }

  private static void group(String id, String filter) {
    assertOk(api.put("/api/deviceGroups/" + id, "{\"displayName\": \"" + id + "\", \"filter\": \""
        + filter.replace("\"", "\\\"") + "\"}"));
  }

  private static String idsGroup(String id, List<SdkDevice> devices) {
    group(id, "SELECT * FROM devices WHERE $id IN [" + String.join(", ", devices.stream()
        .map(d -> "\"" + d.id + "\"").toList()) + "]");
    return id;
  }

  private static String commandJob(String group, String extra) {
    return """
        {"group": "%s", %s "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}]}
        """.formatted(group, extra.isEmpty() ? "" : extra + ",", GatewayFixture.TEMPLATE_ID);
  }

  private static JsonNode job(String id) {
    return assertOk(api.get("/api/jobs/" + id));
  }

  private static JsonNode awaitStatus(String id, String status, Duration max) {
    await().atMost(max).until(() -> status.equals(job(id).get("status").asText()));
    return job(id);
  }

  @Test
  void aDeviceThatConnects20SecondsAfterTheJobStartedGetsTheCommand() throws Exception {
    SdkDevice sleeper = new SdkDevice("sdk-sleeper");
    assertOk(api.put("/api/jobs/sdk-wait", commandJob(idsGroup("sdk-wait", List.of(sleeper)),
        "\"delivery\": {\"waitForConnection\": \"PT5M\"}")));
    await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(30)).until(() ->
        "running".equals(job("sdk-wait").get("status").asText())
            && "pending".equals(assertOk(api.get("/api/jobs/sdk-wait/devices/sdk-sleeper")).get("status").asText()));
    JsonNode waiting = assertOk(api.get("/api/jobs/sdk-wait/devices/sdk-sleeper"));
    assertThat(waiting.has("nextAttempt")).as("its deadline").isTrue();

    long connected = System.nanoTime();
    sleeper.connect();
    await().atMost(Duration.ofSeconds(5)).until(() -> !sleeper.arrivals.isEmpty());
    assertThat((sleeper.arrivals.get(0) - connected) / 1e9).as("seconds from connecting to the command").isLessThan(3);
    JsonNode done = awaitStatus("sdk-wait", "complete", Duration.ofSeconds(10));
    assertThat(done.at("/progress/completed").asInt()).isEqualTo(1);
  }

  @Test
  void aDeviceThatAnswers500TwiceCompletesOnItsThirdAttempt() throws Exception {
    SdkDevice flaky = new SdkDevice("sdk-flaky").connect();
    flaky.script.addAll(List.of(500, 500));
    assertOk(api.put("/api/jobs/sdk-retry", commandJob(idsGroup("sdk-retry", List.of(flaky)),
        "\"delivery\": {\"retry\": {\"maxAttempts\": 4, \"backoff\": \"PT1S\", \"on\": [\"CommandFailed\"]}}")));
    awaitStatus("sdk-retry", "complete", Duration.ofSeconds(20));
    JsonNode d = assertOk(api.get("/api/jobs/sdk-retry/devices/sdk-flaky"));
    assertThat(d.get("status").asText()).isEqualTo("completed");
    assertThat(d.get("attempts")).hasSize(3);
    assertThat(d.at("/attempts/0/responseCode").asInt()).isEqualTo(500);
    assertThat(d.at("/attempts/1/error/code").asText()).isEqualTo("CommandFailed");
    assertThat(d.at("/attempts/2/status").asText()).isEqualTo("completed");
    assertThat(flaky.arrivals).hasSize(3);
    assertThat((flaky.arrivals.get(1) - flaky.arrivals.get(0)) / 1e9).as("the backoff").isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void aConfirmedPropertyJobCompletesOnTheSdksAcknowledgementAndFailsARejection() throws Exception {
    SdkDevice yes = new SdkDevice("sdk-ack-yes").connect();
    SdkDevice no = new SdkDevice("sdk-ack-no").connect();
    assertOk(api.put("/api/jobs/sdk-confirm", """
        {"group": "%s", "delivery": {"confirm": true},
         "data": [{"type": "property", "target": "%s", "path": "targetTemperature", "value": 21.5}]}
        """.formatted(idsGroup("sdk-confirm", List.of(yes, no)), GatewayFixture.TEMPLATE_ID)));
    Twin pushed = yes.desired.poll(10, TimeUnit.SECONDS);
    assertThat(pushed).isNotNull();
    int version = pushed.getDesiredProperties().getVersion();
    Twin pushedToNo = no.desired.poll(10, TimeUnit.SECONDS);
    assertThat(pushedToNo).isNotNull();
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() ->
        job("sdk-confirm").at("/progress/pending").asInt() == 2);

    no.acknowledge(pushedToNo.getDesiredProperties().getVersion(), 400, "out of range");
    yes.acknowledge(version, 200, "applied");
    JsonNode done = awaitStatus("sdk-confirm", "complete", Duration.ofSeconds(10));
    assertThat(done.at("/progress/completed").asInt()).isEqualTo(1);
    JsonNode rejected = assertOk(api.get("/api/jobs/sdk-confirm/devices/sdk-ack-no"));
    assertThat(rejected.at("/error/code").asText()).isEqualTo("PropertyRejected");
    assertThat(rejected.at("/error/message").asText()).contains("out of range");
    assertThat(assertOk(api.get("/api/jobs/sdk-confirm/devices/sdk-ack-yes")).get("status").asText())
        .isEqualTo("completed");
  }

  @Test
  void aRampsObservedStartRateFollowsItsSchedule() throws Exception {
    List<SdkDevice> fleet = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      fleet.add(new SdkDevice(String.format("sdk-ramp-%02d", i)).connect());
    }
    assertOk(api.put("/api/jobs/sdk-ramp", commandJob(idsGroup("sdk-ramp", fleet), """
        "rollout": {"maxPerMinute": 240, "ramp": {"startPerMinute": 60, "factor": 2.0, "afterSucceeded": 3}}""")));
    awaitStatus("sdk-ramp", "complete", Duration.ofSeconds(30));
    List<Long> starts = new ArrayList<>(fleet.stream().map(d -> d.arrivals.get(0)).sorted().toList());
    // 1/s until 3 succeeded, 2/s until 6, then 4/s (the cap): device-side arrival times, within 10 %
    assertThat(rate(starts, 1, 3)).isCloseTo(1.0, within(0.1));
    assertThat(rate(starts, 4, 6)).isCloseTo(2.0, within(0.2));
    assertThat(rate(starts, 7, 15)).isCloseTo(4.0, within(0.4));
  }

  private static double rate(List<Long> starts, int a, int b) {
    return (b - a) / ((starts.get(b - 1) - starts.get(a - 1)) / 1e9);
  }

  @Test
  void aSuccessGatePausesAfterAFailingFirstBatch() throws Exception {
    List<SdkDevice> fleet = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      SdkDevice d = new SdkDevice("sdk-gate-" + i).connect();
      if (i < 2) {
        d.script.add(500);
      }
      fleet.add(d);
    }
    assertOk(api.put("/api/jobs/sdk-gate", commandJob(idsGroup("sdk-gate", fleet), """
        "batch": {"type": "number", "value": 2},
        "rollout": {"successGate": {"minSuccessPercent": 95, "action": "pause"}}""")));
    JsonNode paused = awaitStatus("sdk-gate", "stopped", Duration.ofSeconds(10));
    assertThat(paused.get("statusReason").asText()).isEqualTo("SuccessGate");
    assertThat(paused.at("/progress/failed").asInt()).isEqualTo(2);
    assertThat(paused.at("/progress/pending").asInt()).isEqualTo(2);
    assertThat(fleet.get(2).arrivals).as("the second batch was not started").isEmpty();
    io.flotilla.testing.ApiAssertions.assertStatus(api.post("/api/jobs/sdk-gate/resume", null), 204);
    JsonNode done = awaitStatus("sdk-gate", "complete", Duration.ofSeconds(10));
    assertThat(done.at("/progress/completed").asInt()).isEqualTo(2);
  }

  @Test
  void aContinuousJobReachesADeviceCreatedAfterItStarted() throws Exception {
    group("sdk-cont", "SELECT * FROM devices WHERE $template = \"" + GatewayFixture.TEMPLATE_ID
        + "\" AND $displayName = \"late joiner\"");
    assertOk(api.put("/api/jobs/sdk-cont", commandJob("sdk-cont", "\"continuous\": true")));
    awaitStatus("sdk-cont", "running", Duration.ofSeconds(5));
    SdkDevice late = new SdkDevice("sdk-late").connect(); // connected, not in the group yet
    assertOk(api.patch("/api/devices/sdk-late", "{\"displayName\": \"late joiner\"}")); // now it is
    await().atMost(Duration.ofSeconds(10)).until(() -> !late.arrivals.isEmpty());
    await().atMost(Duration.ofSeconds(5)).until(() -> job("sdk-cont").at("/progress/completed").asInt() == 1);
    assertThat(job("sdk-cont").get("status").asText()).as("it goes on").isEqualTo("running");
    io.flotilla.testing.ApiAssertions.assertStatus(api.post("/api/jobs/sdk-cont/stop", null), 204);
  }
}
