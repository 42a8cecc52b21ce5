package io.flotilla.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ApiClient.Response;
import io.flotilla.testing.ScratchDirectories;
import io.flotilla.testing.Templates;
import io.flotilla.testing.Tokens;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A write the REST API answered with a 2xx is on disk: the server (embedded H2) is killed with SIGKILL right after the
 * last answer of a series of writes of every kind, restarted on the same data directory, and everything it had
 * accepted reads back as answered, with an audit-log entry per write (docs/reliability.md).
 */
class WriteDurabilityTest {
  private Process server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.destroyForcibly();
    }
  }

  @Test
  void everyAnsweredWriteSurvivesAKill() throws Exception {
    Path dataDir = ScratchDirectories.create("flotilla-durable");
    server = start(dataDir);
    String adminToken = Files.readString(dataDir.resolve("admin-token")).trim();
    ApiClient api = new ApiClient(port(dataDir), adminToken);

    String template = Templates.newId("durable");
    Map<String, JsonNode> answered = new LinkedHashMap<>();
    List<String> requestIds = new ArrayList<>();
    accept(answered, requestIds, Templates.path(template), api.put(Templates.path(template),
        Templates.aRefrigeratedTruck("Durable truck")));
    for (int i = 0; i < 20; i++) {
      String device = "/api/devices/durable-" + i;
      accept(answered, requestIds, device, api.put(device, "{\"displayName\": \"D" + i + "\", \"template\": \""
          + template + "\"}"));
    }
    accept(answered, requestIds, "/api/devices/durable-0", api.patch("/api/devices/durable-0",
        "{\"displayName\": \"Patched\", \"enabled\": false}"));
    accept(answered, requestIds, "/api/devices/durable-1/attestation", api.put("/api/devices/durable-1/attestation",
        "{\"type\": \"symmetricKey\", \"symmetricKey\": {\"primaryKey\": \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\","
            + " \"secondaryKey\": \"HxwdHh8QERITFBUWFxgZGhscHR4fEBESExQVFhcYGRo=\"}}"));
    Response props = api.patch("/api/devices/durable-2/properties",
        "{\"TargetTemperature\": 4.5, \"CustomerName\": \"Contoso\"}");
    assertThat(props.status()).isEqualTo(202);
    requestIds.add(props.requestId());
    accept(answered, requestIds, "/api/deviceGroups/durable", api.put("/api/deviceGroups/durable",
        "{\"displayName\": \"Durable\", \"filter\": \"SELECT * FROM devices WHERE $id = \\\"nobody\\\"\"}"));
    accept(answered, requestIds, "/api/enrollmentGroups/durable", api.put("/api/enrollmentGroups/durable",
        "{\"displayName\": \"Durable\", \"type\": \"iot\", \"attestation\": {\"type\": \"symmetricKey\"}}"));
    accept(answered, requestIds, "/api/scheduledJobs/durable", api.put("/api/scheduledJobs/durable",
        "{\"displayName\": \"Durable\", \"group\": \"durable\", \"schedule\": {\"start\": \"2099-01-01T00:00:00Z\"},"
            + " \"data\": [{\"type\": \"command\", \"target\": \"" + template + "\", \"path\": \"reboot\", \"value\": 1}]}"));
    Response deleted = api.delete("/api/devices/durable-19");
    assertThat(deleted.status()).isEqualTo(204);
    requestIds.add(deleted.requestId());
    answered.remove("/api/devices/durable-19");
    Response token = api.put("/api/apiTokens/durable", Tokens.body(Tokens.OPERATOR, null));
    assertThat(token.status()).isEqualTo(200);
    requestIds.add(token.requestId());
    Response job = api.put("/api/jobs/durable", "{\"group\": \"durable\", \"data\": [{\"type\": \"command\", "
        + "\"target\": \"" + template + "\", \"path\": \"reboot\", \"value\": 1}]}");
    assertThat(job.status()).isEqualTo(200);
    requestIds.add(job.requestId());

    server.destroyForcibly().waitFor(); // SIGKILL right after the last answer
    api.close();

    server = start(dataDir);
    ApiClient again = new ApiClient(port(dataDir), adminToken);
    for (var e : answered.entrySet()) {
      Response r = again.get(e.getKey());
      assertThat(r.status()).as("%s after the kill", e.getKey()).isEqualTo(200);
      JsonNode now = r.json();
      e.getValue().fieldNames().forEachRemaining(f -> {
        if (!f.equals("provisioned")) {
          assertThat(now.get(f)).as("%s.%s after the kill", e.getKey(), f).isEqualTo(e.getValue().get(f));
        }
      });
    }
    assertThat(again.get("/api/devices/durable-19").status()).isEqualTo(404);
    assertThat(again.get("/api/devices/durable-2/properties").json().at("/$metadata/TargetTemperature/desiredValue")
        .asDouble()).isEqualTo(4.5);
    assertThat(again.get("/api/devices/durable-2/properties").json().path("CustomerName").asText())
        .isEqualTo("Contoso");
    assertThat(again.as(token.json().path("token").asText()).get("/api/devices").status()).isEqualTo(200);
    assertThat(again.get("/api/jobs/durable").status()).isEqualTo(200);

    List<String> logged = new ArrayList<>();
    String next = "/api/auditLogs";
    while (next != null) {
      JsonNode page = (next.startsWith("http") ? again.getAbs(next) : again.get(next)).json();
      page.path("value").forEach(e -> logged.add(e.path("requestId").asText()));
      next = page.path("nextLink").asText(null);
    }
    assertThat(logged).as("an audit entry for every answered write").containsAll(requestIds);
    again.close();
  }

  private static void accept(Map<String, JsonNode> answered, List<String> requestIds, String path, Response r) {
    assertThat(r.status()).as("%s: %s", path, r).isEqualTo(200);
    answered.put(path, r.json());
    requestIds.add(r.requestId());
  }

  private static Process start(Path dataDir) throws Exception {
    Files.deleteIfExists(dataDir.resolve("ports.json"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
        "--data-dir", dataDir.toString(), "--bind", "127.0.0.1", "--http-port", "0", "--mqtt-port", "0",
        "--mqtt-ws-port", "-1", "--device-https-port", "0")
        .redirectErrorStream(true)
        .redirectOutput(new File(dataDir.toFile(), "server-" + System.nanoTime() + ".log"))
        .start();
    Path ports = dataDir.resolve("ports.json");
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ports) && Files.size(ports) > 0);
    return p;
  }

  private static int port(Path dataDir) throws Exception {
    return ApiClient.JSON.readTree(Files.readString(dataDir.resolve("ports.json"))).get("http").asInt();
  }
}
