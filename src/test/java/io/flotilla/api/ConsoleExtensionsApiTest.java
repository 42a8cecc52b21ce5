package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Templates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REST extensions behind the console (docs/api.md): device pages by filter and connection with counts, job
 * devices by status, and the live streams' refusal of clients that did not ask for an event stream.
 */
class ConsoleExtensionsApiTest extends ServerTest {
  private static String template;

  @BeforeAll
  static void fleet() {
    template = Templates.publishTruck(api, "console-ext");
    for (int i = 1; i <= 5; i++) {
      assertOk(api.put("/api/devices/cx-" + i, "{\"template\": \"" + template + "\", \"simulated\": " + (i <= 2)
          + "}"));
    }
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("value").forEach(d -> out.add(d.get("id").asText()));
    return out;
  }

  @Test
  void devicesByFilterAndConnectionWithTheirCount() {
    String q = "&query=" + java.net.URLEncoder.encode("SELECT * FROM devices WHERE $template = \"" + template + "\"",
        java.nio.charset.StandardCharsets.UTF_8);
    JsonNode all = assertOk(api.get("/api/devices?count=true&maxpagesize=2" + q));
    assertThat(all.get("count").asLong()).isEqualTo(5);
    assertThat(ids(all)).containsExactly("cx-1", "cx-2");
    assertThat(all.has("nextLink")).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() ->
        assertOk(api.get("/api/devices?connection=online&count=true" + q)).get("count").asLong() == 2);
    JsonNode online = assertOk(api.get("/api/devices?connection=online" + q));
    assertThat(ids(online)).containsExactly("cx-1", "cx-2");
    assertThat(online.get("value").get(0).get("connected").asBoolean()).isTrue();
    JsonNode offline = assertOk(api.get("/api/devices?connection=offline&count=true&maxpagesize=2" + q));
    assertThat(ids(offline)).containsExactly("cx-3", "cx-4");
    assertThat(offline.get("count").asLong()).isEqualTo(3);
    JsonNode rest = assertOk(api.sendAbs(io.vertx.core.http.HttpMethod.GET, offline.get("nextLink").asText(), null,
        null, java.util.Map.of()));
    assertThat(ids(rest)).containsExactly("cx-5");
    // without an extension parameter the list is IoT Central's, without "connected"
    assertThat(assertOk(api.get("/api/devices")).get("value").get(0).has("connected")).isFalse();
  }

  @Test
  void badExtensionParametersAre400() {
    assertError(api.get("/api/devices?query=SELECT%20*%20FROM%20devices%20WHERE%20%24nope%20%3D%201"), 400,
        "BadRequest");
    assertError(api.get("/api/devices?connection=sometimes"), 400, "BadRequest");
    assertError(api.get("/api/devices?count=maybe"), 400, "BadRequest");
    assertError(api.get("/api/jobs/none/devices?status=done"), 400, "BadRequest"); // checked before the job is read
  }

  @Test
  void liveStreamsAnswer406WithoutAcceptEventStream() {
    for (String path : List.of("/api/deviceConnectivity/events", "/api/devices/cx-1/events",
        "/api/jobProgress/events")) {
      assertError(api.get(path), 406, "NotAcceptable");
    }
  }

  @Test
  void aJobProgressStreamNamingIdsCarriesOnlyThoseJobs() throws Exception {
    assertOk(api.put("/api/deviceGroups/nobody", "{\"displayName\": \"Nobody\", \"filter\": "
        + "\"SELECT * FROM devices WHERE $id = \\\"nobody\\\"\"}"));
    String migration = "{\"group\": \"nobody\", \"data\": [{\"type\": \"deviceTemplateMigration\", "
        + "\"template\": \"" + template + "\"}]}";
    try (var sse = io.flotilla.testing.SseClient.open(api.port(), api.token(),
        "/api/jobProgress/events?ids=watched-1,watched-2", java.util.Map.of())) {
      assertThat(sse.status()).isEqualTo(200);
      assertOk(api.put("/api/jobs/unwatched-1", migration));
      await().atMost(Duration.ofSeconds(20)).until(() ->
          assertOk(api.get("/api/jobs/unwatched-1")).get("status").asText().equals("complete"));
      assertOk(api.put("/api/jobs/watched-1", migration));
      var events = sse.readUntil(e -> e.json().path("status").asText().equals("complete"), Duration.ofSeconds(20));
      assertThat(events).extracting(e -> e.json().get("id").asText()).containsOnly("watched-1");
    }
  }

  @Test
  void aJobProgressStreamRefusesBadOrTooManyIds() {
    var stream = java.util.Map.of("Accept", "text/event-stream");
    assertError(api.send(io.vertx.core.http.HttpMethod.GET, "/api/jobProgress/events?ids=a,b%21", null, null, stream),
        400, "BadRequest");
    assertError(api.send(io.vertx.core.http.HttpMethod.GET, "/api/jobProgress/events?ids=", null, null, stream),
        400, "BadRequest");
    String many = String.join(",", java.util.stream.IntStream.rangeClosed(1, 101).mapToObj(i -> "j" + i).toList());
    assertError(api.send(io.vertx.core.http.HttpMethod.GET, "/api/jobProgress/events?ids=" + many, null, null, stream),
        400, "BadRequest");
  }
}
