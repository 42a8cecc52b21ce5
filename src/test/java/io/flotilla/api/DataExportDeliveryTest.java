package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.export.Signatures;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Fleets;
import io.flotilla.testing.Templates;
import io.flotilla.testing.TestServer;
import io.flotilla.testing.WebhookReceiver;
import io.flotilla.testing.WebhookReceiver.Mode;
import io.flotilla.testing.WebhookReceiver.Received;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Data export delivered to real webhook receivers (real Vert.x HTTP servers): receivers that are down for a while get
 * every event once they are up, each signed; one that never answers does not slow jobs nor the other destinations;
 * what was queued while a receiver was down survives a restart of the server.
 */
class DataExportDeliveryTest {
  private static final String SECRET = "a-test-signing-secret-0123456789";

  private static void destination(ApiClient api, String id, String url) {
    assertOk(api.put("/api/dataExport/destinations/" + id, """
        {"displayName": "%s", "type": "webhook@v1", "url": "%s", "signingSecret": "%s",
         "headerCustomizations": {"x-custom-region": {"value": "west", "secret": false}}}
        """.formatted(id, url, SECRET)));
  }

  private static void export(ApiClient api, String id, String source, String... destinations) {
    StringBuilder d = new StringBuilder();
    for (String dest : destinations) {
      d.append(d.length() == 0 ? "" : ",").append("{\"id\":\"").append(dest).append("\"}");
    }
    assertOk(api.put("/api/dataExport/exports/" + id, """
        {"displayName": "%s", "enabled": true, "source": "%s", "destinations": [%s],
         "enrichments": {"site": {"value": "plant-7"}}}
        """.formatted(id, source, d)));
  }

  private static String commandJob(ApiClient api, String id, String group, String template) {
    assertOk(api.put("/api/jobs/" + id, """
        {"group": "%s", "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}]}
        """.formatted(group, template)));
    await().atMost(Duration.ofSeconds(30)).until(() -> assertOk(api.get("/api/jobs/" + id)).get("status").asText()
        .equals("complete"));
    return id;
  }

  /** Every job event the receiver accepted (by event id), each request's signature checked. */
  private static Map<String, JsonNode> jobEvents(WebhookReceiver receiver, String jobId) {
    Map<String, JsonNode> out = new HashMap<>();
    for (Received r : receiver.accepted()) {
      assertThat(r.header(Signatures.HEADER)).as("signature of %s", r.body())
          .isEqualTo(Signatures.sign(SECRET, r.body()));
      assertThat(r.header("x-custom-region")).isEqualTo("west");
      assertThat(r.header("content-type")).startsWith("application/json");
      JsonNode m = r.json();
      assertThat(m.get("messageSource").asText()).isEqualTo("jobs");
      assertThat(m.at("/enrichments/site").asText()).isEqualTo("plant-7");
      if (!m.get("jobId").asText().equals(jobId)) {
        continue;
      }
      for (JsonNode e : m.get("events")) {
        out.put(e.get("eventId").asText(), e);
      }
    }
    return out;
  }

  private static List<String> deviceIds(Map<String, JsonNode> events) {
    return events.values().stream().filter(e -> e.has("id")).map(e -> e.get("id").asText()).sorted().toList();
  }

  private static Set<String> statuses(Map<String, JsonNode> events) {
    Set<String> out = new LinkedHashSet<>();
    events.entrySet().stream().filter(e -> !e.getValue().has("id"))
        .sorted(Map.Entry.comparingByKey()).forEach(e -> out.add(e.getValue().get("status").asText()));
    return out;
  }

  private static List<String> fleet(String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add(String.format("%s-%05d", prefix, i));
    }
    return ids;
  }

  @Test
  void jobEventsReachReceiversThatWereDownOnceTheyAreUpEachSignedAndNoneLost() {
    try (TestServer server = TestServer.start();
         WebhookReceiver failing = WebhookReceiver.listening(Mode.FAILING);
         WebhookReceiver away = WebhookReceiver.notListening(Mode.UP)) {
      ApiClient api = server.api();
      String template = Fleets.templateAndGroup(api, "down");
      Fleets.register(server, template, "down", 30, Set.of());
      destination(api, "failing", failing.url("/hook"));
      destination(api, "away", away.url("/hook?from=flotilla"));
      export(api, "job-events", "jobs", "failing", "away");

      commandJob(api, "while-down", "down", template);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        JsonNode e = assertOk(api.get("/api/dataExport/exports/job-events"));
        assertThat(e.get("status").asText()).isEqualTo("error");
        assertThat(e.get("errorCount").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(e.get("errors").get(0).get("code").asText()).isIn("DestinationRejected", "DestinationUnreachable");
        JsonNode d = assertOk(api.get("/api/dataExport/destinations/away"));
        assertThat(d.get("status").asText()).isEqualTo("error");
        assertThat(d.get("errors").get(0).get("code").asText()).isEqualTo("DestinationUnreachable");
      });
      assertThat(failing.received()).as("the failing receiver was tried").isNotEmpty();
      assertThat(failing.accepted()).isEmpty();
      // the receivers stay down for 30 s of the server's time (its clock, moved by the test): retried, backing off
      int triedWhileDown = failing.received().size();
      server.clock().advance(Duration.ofSeconds(30));
      await("retried while down").atMost(Duration.ofSeconds(5))
          .until(() -> failing.received().size() > triedWhileDown);
      assertThat(failing.accepted()).isEmpty();

      failing.mode(Mode.UP);
      away.listen();
      server.clock().advance(Duration.ofMinutes(5)); // past the longest backoff: the lanes are due again
      for (WebhookReceiver r : List.of(failing, away)) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          Map<String, JsonNode> events = jobEvents(r, "while-down");
          assertThat(deviceIds(events)).containsExactlyElementsOf(fleet("down", 30));
          assertThat(statuses(events)).containsExactly("pending", "running", "complete");
        });
        Map<String, JsonNode> events = jobEvents(r, "while-down");
        assertThat(events.values()).filteredOn(e -> e.has("id"))
            .allSatisfy(e -> assertThat(e.at("/error/code").asText()).isEqualTo("DeviceNotOnline"));
      }
      assertThat(away.accepted().get(0).header("x-flotilla-export-id")).isEqualTo("job-events");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode e = assertOk(api.get("/api/dataExport/exports/job-events"));
        assertThat(e.get("status").asText()).isEqualTo("healthy");
        assertThat(e.has("lastExportTime")).isTrue();
        assertThat(outboxRows(server)).isZero();
      });
    }
  }

  private static long outboxRows(TestServer server) {
    return server.server().wiring().database().read(c -> {
      try (var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM export_outbox")) {
        rs.next();
        return rs.getLong(1);
      }
    }).toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aReceiverThatNeverAnswersSlowsNeitherJobsNorOtherDestinations() {
    try (TestServer server = TestServer.start();
         WebhookReceiver silent = WebhookReceiver.listening(Mode.SILENT);
         WebhookReceiver up = WebhookReceiver.listening(Mode.UP)) {
      ApiClient api = server.api();
      String template = Fleets.templateAndGroup(api, "quiet");
      Fleets.register(server, template, "quiet", 2_000, Set.of());
      destination(api, "silent", silent.url("/hook"));
      destination(api, "up", up.url("/hook"));
      export(api, "job-events", "jobs", "silent", "up");

      long began = System.nanoTime();
      commandJob(api, "quiet-job", "quiet", template);
      assertThat(Duration.ofNanos(System.nanoTime() - began)).as("the job, with a receiver that never answers")
          .isLessThan(Duration.ofSeconds(15));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(deviceIds(jobEvents(up, "quiet-job"))).hasSize(2_000));
      assertThat(silent.mostOpenAtOnce()).as("posts waiting on the silent receiver at once").isBetween(1, 4);
    }
  }

  @Test
  void devicesTelemetryReportedPropertiesConnectionsAndLifecycleAreExported() {
    try (TestServer server = TestServer.start(c -> c.withSimTelemetryInterval(Duration.ofMillis(500)));
         WebhookReceiver hook = WebhookReceiver.listening(Mode.UP)) {
      ApiClient api = server.api();
      destination(api, "hook", hook.url("/hook"));
      for (String source : List.of("telemetry", "properties", "deviceConnectivity", "deviceLifecycle")) {
        export(api, "x-" + source, source, "hook");
      }
      String template = Templates.publishTruck(api, "Exported truck");
      Devices.create(api, "sim-x", """
          {"displayName": "Sim X", "template": "%s", "simulated": true}
          """.formatted(template));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kinds(hook, "sim-x")).contains(
          "deviceLifecycle/registered", "deviceConnectivity/connected", "properties/devicePropertyReportedChange",
          "telemetry"));
      assertThat(api.delete("/api/devices/sim-x").status()).isEqualTo(204);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kinds(hook, "sim-x")).contains(
          "deviceLifecycle/deleted", "deviceConnectivity/disconnected"));

      String applicationId = server.server().wiring().application().id();
      for (Received r : hook.accepted()) {
        assertThat(r.header(Signatures.HEADER)).isEqualTo(Signatures.sign(SECRET, r.body()));
        JsonNode m = r.json();
        assertThat(m.get("applicationId").asText()).isEqualTo(applicationId);
        assertThat(m.get("schema").asText()).isEqualTo("default@v1");
        assertThat(m.at("/enrichments/site").asText()).isEqualTo("plant-7");
        assertThat(m.get("enqueuedTime").asText()).isNotBlank();
      }
      JsonNode telemetry = hook.accepted().stream().map(Received::json)
          .filter(m -> m.get("messageSource").asText().equals("telemetry")).findFirst().orElseThrow();
      assertThat(telemetry.at("/telemetry/temperature").isNumber()).isTrue();
      JsonNode registered = hook.accepted().stream().map(Received::json)
          .filter(m -> m.path("messageType").asText().equals("registered")).findFirst().orElseThrow();
      assertThat(registered.get("templateId").asText()).isEqualTo(template);
      JsonNode reported = hook.accepted().stream().map(Received::json)
          .filter(m -> m.get("messageSource").asText().equals("properties")).findFirst().orElseThrow();
      assertThat(reported.get("properties")).isNotEmpty();
      assertThat(reported.get("properties").get(0).has("name")).isTrue();
    }
  }

  /** {@code source/messageType} (or the source alone) of every message about {@code deviceId}. */
  private static Set<String> kinds(WebhookReceiver hook, String deviceId) {
    Set<String> out = new LinkedHashSet<>();
    for (Received r : hook.accepted()) {
      JsonNode m = r.json();
      if (deviceId.equals(m.path("deviceId").asText())) {
        out.add(m.get("messageSource").asText() + (m.has("messageType") ? "/" + m.get("messageType").asText() : ""));
      }
    }
    return out;
  }

  @Test
  void messagesQueuedWhileTheReceiverIsDownSurviveARestartOfTheServer() {
    TestServer first = TestServer.start();
    java.nio.file.Path data = first.dataDir();
    try (WebhookReceiver away = WebhookReceiver.notListening(Mode.UP)) {
      ApiClient api = first.api();
      String template = Fleets.templateAndGroup(api, "restart");
      Fleets.register(first, template, "restart", 12, Set.of());
      destination(api, "away", away.url("/hook"));
      export(api, "job-events", "jobs", "away");
      commandJob(api, "before-restart", "restart", template);
      await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(first) >= 3);
      first.stop();

      try (TestServer second = TestServer.restart(data, c -> c)) {
        away.listen();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          Map<String, JsonNode> events = jobEvents(away, "before-restart");
          assertThat(deviceIds(events)).containsExactlyElementsOf(fleet("restart", 12));
          assertThat(statuses(events)).containsExactly("pending", "running", "complete");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(second) == 0);
      }
    }
  }
}
