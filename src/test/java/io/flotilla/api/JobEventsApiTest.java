package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.job.JobEventId;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Fleets;
import io.flotilla.testing.SseClient;
import io.flotilla.testing.SseClient.Event;
import io.flotilla.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /jobs/{id}/events} end to end: a real server, a real HTTP client reading the Server-Sent Events as they
 * come, dropping the connection and resuming with {@code Last-Event-ID}.
 */
class JobEventsApiTest {
  private static final int FLEET = 10_000;
  private static final int SIMULATED_EVERY = 200;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static SseClient stream(String jobId, String lastEventId) {
    return SseClient.open(api.port(), api.token(), "/api/jobs/" + jobId + "/events",
        lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId));
  }

  private static String fleetOf(String name) {
    return Fleets.templateAndGroup(api, name);
  }

  private static void register(String template, String prefix, int n, Set<Integer> skip) {
    Fleets.register(server, template, prefix, n, skip);
  }

  private static List<Event> ofType(List<Event> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  @Test
  void aTenThousandDeviceCommandJobStreamsEveryDeviceOnceInOrderAcrossADroppedConnection() {
    long began = System.nanoTime();
    String template = fleetOf("big");
    Set<Integer> simulated = new HashSet<>();
    for (int i = SIMULATED_EVERY; i <= FLEET; i += SIMULATED_EVERY) {
      simulated.add(i);
      String id = String.format("big-%05d", i);
      Devices.create(api, id, """
          {"displayName": "%s", "template": "%s", "simulated": true}
          """.formatted(id, template));
    }
    register(template, "big", FLEET, simulated);
    await().atMost(Duration.ofSeconds(20)).until(() -> server.server().wiring().simulator().onlineCount()
        >= simulated.size());

    assertOk(api.put("/api/jobs/big-reboot", """
        {"displayName": "Reboot the fleet", "group": "big",
         "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}]}
        """.formatted(template)));

    List<Event> firstPart;
    try (SseClient sse = stream("big-reboot", null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("content-type")).startsWith("text/event-stream");
      assertThat(sse.header("content-encoding")).isIn(null, "identity");
      int[] devices = {0};
      firstPart = sse.readUntil(e -> e.type().equals("device") && ++devices[0] == 3_000, Duration.ofSeconds(30));
      assertThat(devices[0]).as("device events before the drop").isEqualTo(3_000);
    }
    String resumeAt = firstPart.get(firstPart.size() - 1).id();
    List<Event> secondPart;
    try (SseClient sse = stream("big-reboot", resumeAt)) {
      secondPart = sse.readToEnd(Duration.ofSeconds(30));
      assertThat(sse.ended()).as("the stream ends once the job is final and all was sent").isTrue();
    }

    List<Event> all = new ArrayList<>(firstPart);
    all.addAll(secondPart);
    // Every event id after the previous one: the resumed stream neither repeats nor skips.
    List<Event> logged = all.stream().filter(e -> !e.type().equals("progress")).toList();
    for (int i = 1; i < logged.size(); i++) {
      assertThat(JobEventId.parse(logged.get(i).id())).as("event %d after %s", i, logged.get(i - 1).id())
          .isGreaterThan(JobEventId.parse(logged.get(i - 1).id()));
    }
    List<Event> deviceEvents = ofType(all, "device");
    Map<String, JsonNode> byDevice = new HashMap<>();
    for (Event e : deviceEvents) {
      JsonNode d = e.json();
      assertThat(byDevice.put(d.get("id").asText(), d)).as("a second event for %s", d.get("id")).isNull();
      assertThat(d.get("final").asBoolean()).isTrue();
      assertThat(d.get("attempt").asInt()).isEqualTo(1);
    }
    assertThat(byDevice).hasSize(FLEET);
    assertThat(ofType(all, "status")).extracting(e -> e.json().get("status").asText())
        .containsExactly("pending", "running", "complete");
    List<Event> progressEvents = ofType(all, "progress");
    JsonNode last = progressEvents.get(progressEvents.size() - 1).json();
    assertThat(last.get("total").asInt()).isEqualTo(FLEET);
    assertThat(last.get("pending").asInt()).isZero();
    assertThat(last.get("completed").asInt() + last.get("failed").asInt()).isEqualTo(FLEET);
    assertThat(last.get("completed").asInt()).isEqualTo(simulated.size());

    // The stream says what the job's results say, device by device.
    String csv = api.get("/api/jobs/big-reboot/devices?format=csv").text();
    String[] lines = csv.split("\r\n");
    assertThat(lines).hasSize(FLEET + 1);
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",", -1);
      JsonNode e = byDevice.get(f[0]);
      assertThat(e).as("event of %s", f[0]).isNotNull();
      assertThat(e.get("status").asText()).as(f[0]).isEqualTo(f[1]);
      assertThat(e.path("error").path("code").asText("")).as(f[0]).isEqualTo(f[2]);
      assertThat(e.has("responseCode") ? e.get("responseCode").asText() : "").as(f[0]).isEqualTo(f[4]);
    }
    for (int i : simulated) {
      assertThat(byDevice.get(String.format("big-%05d", i)).get("status").asText()).isEqualTo("completed");
    }
    assertThat(byDevice.get("big-00001").path("error").path("code").asText()).isEqualTo("DeviceNotOnline");

    // Progress at most every 250 ms per stream (by the server's clock), only the one sent at the end sooner.
    assertThrottled(firstPart, false);
    assertThrottled(secondPart, true);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).as("whole test").isLessThan(Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(5)).until(() -> server.server().wiring().jobEvents().watches() == 0);
  }

  private static void assertThrottled(List<Event> stream, boolean ended) {
    List<Event> progress = ofType(stream, "progress");
    int checked = ended ? progress.size() - 1 : progress.size();
    for (int i = 1; i < checked; i++) {
      Instant before = Instant.parse(progress.get(i - 1).json().get("at").asText());
      Instant at = Instant.parse(progress.get(i).json().get("at").asText());
      assertThat(Duration.between(before, at)).as("progress %d after %d", i, i - 1)
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
  }

  @Test
  void aStreamWaitsWhileItsJobIsStoppedAndGoesOnWhenItIsResumedUntilItEnds() {
    String template = fleetOf("gate");
    register(template, "gate", 6, Set.of());
    assertOk(api.put("/api/jobs/gated", """
        {"group": "gate", "batch": {"type": "number", "value": 3},
         "rollout": {"successGate": {"minSuccessPercent": 50}},
         "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}]}
        """.formatted(template)));
    try (SseClient sse = stream("gated", null)) {
      List<Event> first = sse.readUntil(e -> e.type().equals("status")
          && e.json().get("status").asText().equals("stopped"), Duration.ofSeconds(20));
      assertThat(ofType(first, "device")).extracting(e -> e.json().get("id").asText())
          .containsExactly("gate-00001", "gate-00002", "gate-00003");
      assertThat(first.get(first.size() - 1).json().get("reason").asText()).isEqualTo("SuccessGate");
      assertThat(sse.ended()).as("a stopped job may go on: its stream stays open").isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() -> server.server().wiring().jobEvents().watches() == 1);

      assertThat(api.post("/api/jobs/gated/resume", null).status()).isEqualTo(204);
      List<Event> second = sse.readUntil(e -> e.type().equals("status")
          && e.json().get("status").asText().equals("stopped"), Duration.ofSeconds(20));
      assertThat(ofType(second, "device")).extracting(e -> e.json().get("id").asText())
          .containsExactly("gate-00004", "gate-00005", "gate-00006");
      assertThat(ofType(second, "status")).extracting(e -> e.json().get("status").asText())
          .containsExactly("running", "stopped");

      assertThat(api.post("/api/jobs/gated/resume", null).status()).isEqualTo(204);
      List<Event> rest = sse.readToEnd(Duration.ofSeconds(20));
      assertThat(ofType(rest, "status")).extracting(e -> e.json().get("status").asText())
          .containsExactly("running", "complete");
      List<Event> progress = ofType(rest, "progress");
      assertThat(progress.get(progress.size() - 1).json().get("failed").asInt()).isEqualTo(6);
    }
    try (SseClient again = stream("gated", null)) {
      List<Event> replay = again.readToEnd(Duration.ofSeconds(20));
      assertThat(ofType(replay, "status")).extracting(e -> e.json().get("status").asText())
          .containsExactly("pending", "running", "stopped", "running", "stopped", "running", "complete");
      assertThat(ofType(replay, "device")).hasSize(6);
      assertThat(ofType(replay, "progress")).as("a finished job's stream: one progress, the last").hasSize(1);
    }
  }

  @Test
  void aStreamOfAnUnknownJobOrFromAMalformedIdIsAnErrorAnswer() {
    assertError(api.get("/api/jobs/no-such-job/events"), 404, "NotFound");
    String template = fleetOf("one");
    register(template, "one", 1, Set.of());
    assertOk(api.put("/api/jobs/one-job", """
        {"group": "one", "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}]}
        """.formatted(template)));
    assertError(api.send(io.vertx.core.http.HttpMethod.GET, "/api/jobs/one-job/events", null, null,
        Map.of("Last-Event-ID", "yesterday")), 400, "BadRequest");
    assertError(api.get("/api/jobs/one-job/events?lastEventId=1:x"), 400, "BadRequest");
    try (SseClient sse = SseClient.open(api.port(), api.token(), "/api/jobs/one-job/events",
        Map.of("Accept-Encoding", "gzip, deflate"))) {
      List<Event> events = sse.readToEnd(Duration.ofSeconds(20));
      assertThat(sse.header("content-encoding")).as("events are never compressed").isIn(null, "identity");
      assertThat(ofType(events, "device")).hasSize(1);
      String after = ofType(events, "device").get(0).id();
      try (SseClient resumed = SseClient.open(api.port(), api.token(), "/api/jobs/one-job/events?lastEventId="
          + after, Map.of())) {
        List<Event> tail = resumed.readToEnd(Duration.ofSeconds(20));
        assertThat(ofType(tail, "device")).isEmpty();
        assertThat(ofType(tail, "status")).extracting(e -> e.json().get("status").asText())
            .containsExactly("complete");
      }
    }
  }
}
