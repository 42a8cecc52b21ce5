package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.storage.sql.OverlayCompaction;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.TestServer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /jobs} end to end: creation answers at once, validation, results, CSV, rerun, stop/resume rules. */
class JobsApiTest {
  private static TestServer server;
  private static ApiClient api;
  private static String template;
  private static String group;
  private static final List<String> trucks = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    template = Templates.publishTruck(api, "Jobs truck");
    for (int i = 0; i < 3; i++) {
      trucks.add(Devices.createTruck(api, "jt", template));
    }
    group = "jobs-trucks";
    assertOk(api.put("/api/deviceGroups/" + group, """
        {"displayName": "Job trucks", "filter": "SELECT * FROM devices WHERE $template = \\"%s\\""}
        """.formatted(template)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String commandJob(String type) {
    return """
        {"displayName": "Reboot", "group": "%s",
         "data": [{"type": "%s", "target": "%s", "path": "reboot", "value": 10}]}
        """.formatted(group, type, template);
  }

  private static JsonNode awaitFinal(String jobId) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      last[0] = assertOk(api.get("/api/jobs/" + jobId));
      return !List.of("pending", "running").contains(last[0].get("status").asText());
    });
    return last[0];
  }

  @Test
  void aCommandJobAnswersPendingAtOnceAndEndsCompleteWithOfflineDevicesFailed() {
    JsonNode created = assertOk(api.put("/api/jobs/reboot-all", commandJob("CommandJobData")));
    assertThat(created.get("status").asText()).isEqualTo("pending");
    assertThat(created.get("data").get(0).get("type").asText()).isEqualTo("CommandJobData");

    JsonNode done = awaitFinal("reboot-all");
    assertThat(done.get("status").asText()).isEqualTo("complete");
    assertThat(done.get("progress").get("total").asInt()).isEqualTo(3);
    assertThat(done.get("progress").get("failed").asInt()).isEqualTo(3);
    assertThat(done.has("start")).isTrue();
    assertThat(done.has("end")).isTrue();

    JsonNode devices = assertOk(api.get("/api/jobs/reboot-all/devices"));
    assertThat(devices.get("value")).hasSize(3);
    for (JsonNode d : devices.get("value")) {
      assertThat(d.get("status").asText()).isEqualTo("failed");
      assertThat(d.get("error").get("code").asText()).isEqualTo("DeviceNotOnline");
    }
    JsonNode page = assertOk(api.get("/api/jobs/reboot-all/devices?maxpagesize=2"));
    assertThat(page.get("value")).hasSize(2);
    assertThat(page.get("nextLink").asText()).contains("$skiptoken=");
  }

  @Test
  void aPropertyJobCompletesOfflineDevicesAndSetsTheirDesiredValue() {
    assertOk(api.put("/api/jobs/set-temp", """
        {"group": "%s", "data": [{"type": "property", "target": "%s", "path": "TargetTemperature", "value": 14.5}]}
        """.formatted(group, template)));
    JsonNode done = awaitFinal("set-temp");
    assertThat(done.get("status").asText()).isEqualTo("complete");
    assertThat(done.get("progress").get("completed").asInt()).isEqualTo(3);
    JsonNode props = assertOk(api.get("/api/devices/" + trucks.get(0) + "/properties"));
    assertThat(props.at("/$metadata/TargetTemperature/desiredValue").asDouble()).isEqualTo(14.5);
  }

  @Test
  void theServerFoldsTheRowsOfDevicesThatStayOfflineInTheBackground() {
    int jobs = OverlayCompaction.DEFAULT_MAX_VERSIONS + 1;
    for (int i = 1; i <= jobs; i++) {
      assertOk(api.put("/api/jobs/offline-temp-" + i, """
          {"group": "%s", "data": [{"type": "property", "target": "%s", "path": "TargetTemperature", "value": %d}]}
          """.formatted(group, template, 10 + i)));
      assertThat(awaitFinal("offline-temp-" + i).get("status").asText()).isEqualTo("complete");
    }
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(overlayRows(trucks))
        .as("once more versions than kept are outstanding, the oldest one's devices are folded").isZero());
    JsonNode props = assertOk(api.get("/api/devices/" + trucks.get(0) + "/properties"));
    assertThat(props.at("/$metadata/TargetTemperature/desiredValue").asDouble()).isEqualTo(10 + jobs);
  }

  private static long overlayRows(List<String> devices) {
    return server.server().wiring().database().read(c -> {
      long n = 0;
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM desired_overlays WHERE device_id = ?")) {
        for (String id : devices) {
          ps.setString(1, id);
          try (var rs = ps.executeQuery()) {
            rs.next();
            n += rs.getLong(1);
          }
        }
      }
      return n;
    }).toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void csvStreamsEveryDeviceByQueryOrAcceptHeader() {
    assertOk(api.put("/api/jobs/csv-job", commandJob("command")));
    awaitFinal("csv-job");
    ApiClient.Response csv = api.get("/api/jobs/csv-job/devices?format=csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    String[] lines = csv.text().split("\r\n");
    assertThat(lines[0]).isEqualTo("id,status,errorCode,errorMessage,responseCode,updatedAt,attempts,nextAttempt");
    assertThat(lines).hasSize(4);
    assertThat(lines[1]).startsWith(trucks.stream().sorted().findFirst().orElseThrow() + ",failed,DeviceNotOnline,")
        .endsWith(",1,");
    ApiClient.Response byHeader = api.send(HttpMethod.GET, "/api/jobs/csv-job/devices", null, null,
        Map.of("Accept", "text/csv"));
    assertThat(byHeader.text()).isEqualTo(csv.text());
  }

  @Test
  void rerunTargetsTheFailedDevicesAndConflictsAreReported() {
    assertOk(api.put("/api/jobs/to-rerun", commandJob("command")));
    awaitFinal("to-rerun");
    JsonNode rerun = assertOk(api.put("/api/jobs/to-rerun/rerun/rerun-1", null));
    assertThat(rerun.get("id").asText()).isEqualTo("rerun-1");
    JsonNode done = awaitFinal("rerun-1");
    assertThat(done.get("progress").get("total").asInt()).isEqualTo(3);
    assertError(api.put("/api/jobs/to-rerun/rerun/rerun-1", null), 409, "Conflict");
    assertError(api.put("/api/jobs/nope/rerun/rerun-2", null), 404, "NotFound");
    assertError(api.put("/api/jobs/to-rerun", commandJob("command")), 409, "Conflict");
    assertError(api.post("/api/jobs/to-rerun/stop", null), 409, "Conflict");
    assertError(api.post("/api/jobs/to-rerun/resume", null), 409, "Conflict");
    assertError(api.post("/api/jobs/nope/stop", null), 404, "NotFound");
  }

  @Test
  void listsIncludeCreatedJobs() {
    assertOk(api.put("/api/jobs/listed", commandJob("command")));
    JsonNode list = assertOk(api.get("/api/jobs?maxpagesize=100"));
    assertThat(list.get("value").findValuesAsText("id")).contains("listed");
    assertError(api.get("/api/jobs/missing"), 404, "NotFound");
    assertError(api.get("/api/jobs/missing/devices"), 404, "NotFound");
  }

  @Test
  void invalidDefinitionsAre400AndCreateNothing() {
    String t = template;
    List<String> bad = List.of(
        "{\"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"reboot\"}]}",
        "{\"group\": \"" + group + "\"}",
        "{\"group\": \"" + group + "\", \"data\": []}",
        "{\"group\": \"no-such-group\", \"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"reboot\"}]}",
        "{\"group\": \"" + group + "\", \"data\": [{\"type\": \"reboot\", \"target\": \"" + t + "\", \"path\": \"reboot\"}]}",
        "{\"group\": \"" + group + "\", \"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"explode\"}]}",
        "{\"group\": \"" + group + "\", \"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"reboot\", \"value\": \"soon\"}]}",
        "{\"group\": \"" + group + "\", \"data\": [{\"type\": \"property\", \"target\": \"" + t + "\", \"path\": \"TargetTemperature\", \"value\": \"hot\"}]}",
        "{\"group\": \"" + group + "\", \"data\": [{\"type\": \"property\", \"target\": \"" + t + "\", \"path\": \"serialNumber\", \"value\": \"x\"}]}",
        "{\"group\": \"" + group + "\", \"data\": [{\"type\": \"cloudProperty\", \"target\": \"" + t + "\", \"path\": \"TargetTemperature\", \"value\": 1}]}",
        "{\"group\": \"" + group + "\", \"data\": [{\"type\": \"command\", \"target\": \"dtmi:no:such;1\", \"path\": \"reboot\"}]}",
        "{\"group\": \"" + group + "\", \"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"reboot\"},"
            + "{\"type\": \"property\", \"target\": \"" + t + "\", \"path\": \"TargetTemperature\", \"value\": 1}]}",
        "{\"group\": \"" + group + "\", \"batch\": {\"type\": \"percentage\", \"value\": 150}, \"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"reboot\"}]}",
        "{\"group\": \"" + group + "\", \"batch\": {\"type\": \"number\", \"value\": 0}, \"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"reboot\"}]}",
        "{\"group\": \"" + group + "\", \"batch\": {\"type\": \"lots\", \"value\": 5}, \"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"reboot\"}]}",
        "{\"group\": \"" + group + "\", \"cancellationThreshold\": {\"type\": \"percentage\", \"value\": -1}, \"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"reboot\"}]}",
        "{\"group\": \"" + group + "\", \"data\": [{\"type\": \"deviceTemplateMigration\"}]}",
        "{\"group\": 5, \"data\": [{\"type\": \"command\", \"target\": \"" + t + "\", \"path\": \"reboot\"}]}");
    int i = 0;
    for (String body : bad) {
      String id = "bad-" + i++;
      ApiClient.Response r = api.put("/api/jobs/" + id, body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("BadRequest");
      assertError(api.get("/api/jobs/" + id), 404, "NotFound");
    }
    assertStatus(api.put("/api/jobs/bad%20id!", commandJob("command")), 400);
    String other = Templates.publishTruck(api, "Other truck");
    ApiClient.Response twoTargets = api.put("/api/jobs/two-targets", """
        {"group": "%s", "data": [{"type": "command", "target": "%s", "path": "reboot"},
                                 {"type": "command", "target": "%s", "path": "reboot"}]}
        """.formatted(group, template, other));
    assertThat(twoTargets.status()).isEqualTo(400);
    assertThat(twoTargets.json().at("/error/message").asText()).contains("same \"target\"");
  }
}
