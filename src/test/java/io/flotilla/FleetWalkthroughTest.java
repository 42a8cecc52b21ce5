package io.flotilla;

import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.SdkTwinRequests;
import io.flotilla.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fleet walkthrough of the jobs issue, end to end through REST, simulated devices and the published Azure Java
 * device SDK: a refrigerated-truck fleet of three real (offline) trucks and five simulated ones, one of them blocked.
 * Binds 127.0.0.1:8883 (the SDK's fixed port), so it runs with the other {@code sdk} tests.
 */
@Tag("sdk")
class FleetWalkthroughTest {
  private static final String TEMPLATE = "dtmi:contoso:refrigerated_truck;1";
  private static final List<String> REAL = List.of("real-truck-1", "real-truck-2", "real-truck-3");
  private static final List<String> SIMULATED = List.of("sim-truck-1", "sim-truck-2", "sim-truck-3", "sim-truck-4",
      "sim-truck-5");
  private static final String BLOCKED = "sim-truck-5";
  private static TestServer server;
  private static ApiClient api;
  private static String group;

  @BeforeAll
  static void fleet() {
    server = TestServer.start(c -> c.withMqttPort(8883));
    api = server.api();
    assertOk(api.put("/api/deviceTemplates/" + TEMPLATE.replace(";", "%3B"), """
        {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "Refrigerated truck",
         "capabilityModel": {"@id": "dtmi:contoso:refrigerated_truck_model;1", "@type": "Interface", "contents": [
           {"@type": ["Telemetry", "Temperature"], "name": "temperature", "schema": "double"},
           {"@type": "Property", "name": "TargetTemperature", "schema": "double", "writable": true},
           {"@type": "Command", "name": "reboot", "request": {"name": "delay", "schema": "integer"}}]}}
        """));
    group = null;
    for (JsonNode g : assertOk(api.get("/api/deviceGroups")).get("value")) {
      if (g.get("displayName").asText().equals("Refrigerated truck - All devices")) {
        group = g.get("id").asText();
      }
    }
    assertThat(group).as("the template's automatic group").isNotNull();
    for (String id : REAL) {
      assertOk(api.put("/api/devices/" + id, "{\"displayName\": \"" + id + "\", \"template\": \"" + TEMPLATE + "\"}"));
    }
    for (String id : SIMULATED) {
      assertOk(api.put("/api/devices/" + id, "{\"displayName\": \"" + id + "\", \"template\": \"" + TEMPLATE
          + "\", \"simulated\": true, \"enabled\": " + !id.equals(BLOCKED) + "}"));
    }
    for (String id : SIMULATED) {
      if (!id.equals(BLOCKED)) {
        awaitOnline(id);
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A simulated truck is online once it answers a command (waiting up to 10 s for it to connect). */
  private static void awaitOnline(String id) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api.post("/api/devices/" + id
        + "/commands/reboot", "{\"request\": 0, \"connectionTimeout\": 10}").status()).isEqualTo(201));
  }

  private static JsonNode runJob(String id, String body) {
    assertThat(assertOk(api.put("/api/jobs/" + id, body)).get("status").asText()).isEqualTo("pending");
    return awaitFinal(id);
  }

  private static JsonNode awaitFinal(String id) {
    JsonNode[] job = new JsonNode[1];
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      job[0] = assertOk(api.get("/api/jobs/" + id));
      return !List.of("pending", "running").contains(job[0].get("status").asText());
    });
    return job[0];
  }

  private static Map<String, JsonNode> devices(String jobId) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode d : assertOk(api.get("/api/jobs/" + jobId + "/devices")).get("value")) {
      out.put(d.get("id").asText(), d);
    }
    return out;
  }

  private static String rebootJob(String extra) {
    return """
        {"displayName": "Reboot trucks", "group": "%s", %s
         "data": [{"type": "CommandJobData", "target": "%s", "path": "reboot", "value": 10}]}
        """.formatted(group, extra, TEMPLATE);
  }

  @Test
  void theWalkthrough() throws Exception {
    // A command job: the three real trucks (never connected) and the blocked simulated one fail.
    JsonNode reboot = runJob("reboot-fleet", rebootJob(""));
    assertThat(reboot.get("status").asText()).isEqualTo("complete");
    assertThat(reboot.at("/progress/total").asInt()).isEqualTo(8);
    assertThat(reboot.at("/progress/failed").asInt()).isEqualTo(4);
    assertThat(reboot.at("/progress/completed").asInt()).isEqualTo(4);
    Map<String, JsonNode> results = devices("reboot-fleet");
    List<String> failed = new ArrayList<>();
    results.forEach((id, r) -> {
      if (r.get("status").asText().equals("failed")) {
        failed.add(id);
        assertThat(r.at("/error/code").asText()).isEqualTo("DeviceNotOnline");
      } else {
        assertThat(r.get("responseCode").asInt()).isEqualTo(200);
      }
    });
    List<String> expectedFailed = new ArrayList<>(REAL);
    expectedFailed.add(BLOCKED);
    assertThat(failed).containsExactlyInAnyOrderElementsOf(expectedFailed);

    // Unblock the simulated truck and rerun: exactly the four failed devices, and the truck now completes.
    assertOk(api.patch("/api/devices/" + BLOCKED, "{\"enabled\": true}"));
    awaitOnline(BLOCKED);
    assertOk(api.put("/api/jobs/reboot-fleet/rerun/reboot-fleet-again", null));
    JsonNode rerun = awaitFinal("reboot-fleet-again");
    Map<String, JsonNode> rerunResults = devices("reboot-fleet-again");
    assertThat(rerunResults.keySet()).containsExactlyInAnyOrderElementsOf(expectedFailed);
    assertThat(rerunResults.get(BLOCKED).get("status").asText()).isEqualTo("completed");
    assertThat(rerun.at("/progress/failed").asInt()).isEqualTo(3);

    // A property job: every device completes, the offline real trucks included.
    JsonNode property = runJob("target-temperature", """
        {"group": "%s", "data": [{"type": "PropertyJobData", "target": "%s", "path": "TargetTemperature",
         "value": 14.5}]}
        """.formatted(group, TEMPLATE));
    assertThat(property.get("status").asText()).isEqualTo("complete");
    assertThat(property.at("/progress/completed").asInt()).isEqualTo(8);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(assertOk(api.get(
        "/api/devices/sim-truck-1/properties")).at("/$metadata/TargetTemperature/ackState").asText())
        .isEqualTo("accepted"));

    // One real truck connects later with the Azure SDK and reads 14.5 from its twin.
    String key = assertOk(api.get("/api/devices/real-truck-1/credentials")).at("/symmetricKey/primaryKey").asText();
    ClientOptions options = ClientOptions.builder().sslContext(IotHubSSLContext.getSSLContextFromFile(
        server.dataDir().resolve("certs").resolve("server-cert.pem").toString())).build();
    DeviceClient client = new DeviceClient("HostName=127.0.0.1;DeviceId=real-truck-1;SharedAccessKey=" + key,
        IotHubClientProtocol.MQTT, options);
    try {
      client.open(false);
      client.subscribeToDesiredProperties((twin, context) -> { }, null);
      Twin twin = SdkTwinRequests.twin(SdkTwinRequests.getTwin(client).get(30, TimeUnit.SECONDS));
      assertThat(((Number) twin.getDesiredProperties().get("TargetTemperature")).doubleValue()).isEqualTo(14.5);
    } finally {
      client.close();
    }
  }

  @Test
  void batchesRunInOrderAndAThresholdTrips() {
    // Batches of one over the fleet: each device's result is recorded no earlier than the previous position's.
    JsonNode batched = runJob("batched-reboot", rebootJob("\"batch\": {\"type\": \"number\", \"value\": 1},"));
    assertThat(batched.get("status").asText()).isEqualTo("complete");
    List<Instant> updated = new ArrayList<>();
    for (JsonNode d : assertOk(api.get("/api/jobs/batched-reboot/devices")).get("value")) {
      updated.add(Instant.parse(d.get("updated").asText()));
    }
    assertThat(updated).hasSize(8).isSorted();

    // A threshold of two failures over batches of one: the offline real trucks make it trip.
    JsonNode cancelled = runJob("threshold-reboot", rebootJob("\"batch\": {\"type\": \"number\", \"value\": 1}, "
        + "\"cancellationThreshold\": {\"type\": \"number\", \"value\": 2, \"batch\": false},"));
    assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
    assertThat(cancelled.at("/progress/failed").asInt()).isEqualTo(2);
    assertThat(cancelled.at("/progress/pending").asInt()).isPositive();
  }

  @Test
  void stopResumeAndAScheduledRun() {
    // Stop right after creation; should the whole job already be over (it is fast), try again with a new one.
    String body = rebootJob("\"batch\": {\"type\": \"number\", \"value\": 1},");
    String id = null;
    for (int attempt = 0; attempt < 5 && id == null; attempt++) {
      assertOk(api.put("/api/jobs/stoppable-" + attempt, body));
      int status = api.post("/api/jobs/stoppable-" + attempt + "/stop", null).status();
      assertThat(status).isIn(204, 409);
      if (status == 204) {
        id = "stoppable-" + attempt;
      }
    }
    assertThat(id).as("a job stopped before it ended").isNotNull();
    JsonNode stopped = assertOk(api.get("/api/jobs/" + id));
    assertThat(stopped.get("status").asText()).isEqualTo("stopped");
    int pendingWhenStopped = stopped.at("/progress/pending").asInt();
    for (int i = 0; i < 20; i++) {
      assertThat(assertOk(api.get("/api/jobs/" + id)).get("status").asText()).isEqualTo("stopped");
    }
    assertStatus(api.post("/api/jobs/" + id + "/resume", null), 204);
    JsonNode resumed = awaitFinal(id);
    assertThat(resumed.get("status").asText()).isEqualTo("complete");
    assertThat(resumed.at("/progress/total").asInt()).isEqualTo(8);
    assertThat(pendingWhenStopped).isLessThanOrEqualTo(8);

    String start = Instant.now().plusSeconds(1).toString();
    assertOk(api.put("/api/scheduledJobs/nightly-reboot", """
        {"displayName": "Nightly reboot", "group": "%s", "schedule": {"start": "%s"},
         "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}]}
        """.formatted(group, start, TEMPLATE)));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        assertOk(api.get("/api/scheduledJobs/nightly-reboot/jobs")).get("value").size() == 1);
    JsonNode run = assertOk(api.get("/api/scheduledJobs/nightly-reboot/jobs")).get("value").get(0);
    assertThat(run.get("scheduledJobId").asText()).isEqualTo("nightly-reboot");
    assertThat(run.get("displayName").asText()).isEqualTo("Nightly reboot - 1");
    assertThat(awaitFinal(run.get("id").asText()).at("/progress/total").asInt()).isEqualTo(8);
  }
}
