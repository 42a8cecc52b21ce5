package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Flotilla's job extensions over REST: shapes echoed, validation, dry runs, one device's attempts. */
class JobExtensionsApiTest {
  private static TestServer server;
  private static ApiClient api;
  private static String template;
  private static String group;
  private static final String EXTENSIONS = """
      "delivery": {"waitForConnection": "PT1H",
                   "retry": {"maxAttempts": 4, "backoff": "PT10S", "factor": 2.0, "maxBackoff": "PT10M",
                             "on": ["DeviceNotOnline", "GatewayTimeout", "CommandFailed", "Interrupted"]},
                   "confirm": false},
      "rollout": {"maxPerMinute": 6000, "ramp": {"startPerMinute": 60, "factor": 2.0, "afterSucceeded": 100},
                  "successGate": {"minSuccessPercent": 95.0, "action": "pause"}},
      "continuous": true, "end": "2031-01-01T00:00:00Z\"""";

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    template = Templates.publishTruck(api, "Extensions truck");
    for (int i = 0; i < 3; i++) {
      Devices.createTruck(api, "ext", template);
    }
    group = "ext-trucks";
    assertOk(api.put("/api/deviceGroups/" + group, """
        {"displayName": "Ext trucks", "filter": "SELECT * FROM devices WHERE $template = \\"%s\\""}
        """.formatted(template)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String commandJob(String extra) {
    return """
        {"displayName": "Reboot", "group": "%s", %s
         "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 10}]}
        """.formatted(group, extra.isEmpty() ? "" : extra + ",", template);
  }

  @Test
  void everyExtensionFieldIsEchoedOnPutGetAndRerun() {
    JsonNode created = assertOk(api.put("/api/jobs/ext-echo", commandJob(EXTENSIONS)));
    JsonNode expected = ApiClient.JSON.createObjectNode();
    for (JsonNode j : List.of(created, assertOk(api.get("/api/jobs/ext-echo")))) {
      assertThat(j.at("/delivery/waitForConnection").asText()).isEqualTo("PT1H");
      assertThat(j.at("/delivery/retry/maxAttempts").asInt()).isEqualTo(4);
      assertThat(j.at("/delivery/retry/backoff").asText()).isEqualTo("PT10S");
      assertThat(j.at("/delivery/retry/maxBackoff").asText()).isEqualTo("PT10M");
      assertThat(j.at("/delivery/retry/on")).hasSize(4);
      assertThat(j.at("/rollout/maxPerMinute").asInt()).isEqualTo(6000);
      assertThat(j.at("/rollout/ramp/afterSucceeded").asInt()).isEqualTo(100);
      assertThat(j.at("/rollout/successGate/action").asText()).isEqualTo("pause");
      assertThat(j.get("continuous").asBoolean()).isTrue();
      assertThat(j.get("end").asText()).isEqualTo("2031-01-01T00:00:00Z");
    }
    assertThat(expected).isEmpty();
    io.flotilla.testing.ApiAssertions.assertStatus(api.post("/api/jobs/ext-echo/stop", null), 204);
    JsonNode rerun = assertOk(api.put("/api/jobs/ext-echo/rerun/ext-echo-again", null));
    assertThat(rerun.at("/delivery/retry/maxAttempts").asInt()).as("carried over by a rerun").isEqualTo(4);
    assertThat(rerun.has("continuous")).as("a rerun covers exactly the failed devices: not continuous").isFalse();
    assertThat(rerun.has("end")).isFalse();
    JsonNode overridden = assertOk(api.put("/api/jobs/ext-echo/rerun/ext-echo-other",
        "{\"delivery\": {\"retry\": {\"maxAttempts\": 2}}}"));
    assertThat(overridden.at("/delivery/retry/maxAttempts").asInt()).as("the rerun's body wins").isEqualTo(2);
    assertThat(overridden.has("continuous")).isFalse();
    assertError(api.put("/api/jobs/ext-echo/rerun/ext-echo-bad", "{\"delivery\": {\"confirm\": true}}"), 400,
        "BadRequest");
    assertError(api.put("/api/jobs/ext-echo/rerun/ext-echo-bad", "{\"continuous\": true}"), 400, "BadRequest");
  }

  @Test
  void aScheduledJobCarriesTheExtensionsToItsRuns() {
    JsonNode s = assertOk(api.put("/api/scheduledJobs/ext-sched", """
        {"displayName": "Nightly", "group": "%s", "delivery": {"waitForConnection": "PT2H"},
         "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}],
         "schedule": {"start": "2040-01-01T00:00:00Z"}}""".formatted(group, template)));
    assertThat(s.at("/delivery/waitForConnection").asText()).isEqualTo("PT2H");
    assertThat(assertOk(api.get("/api/scheduledJobs/ext-sched")).at("/delivery/waitForConnection").asText())
        .isEqualTo("PT2H");
  }

  @Test
  void invalidExtensionsAnswer400NamingTheField() {
    record Case(String extra, String mention) {
    }
    List<Case> cases = List.of(
        new Case("\"delivery\": {\"waitForConnection\": \"1 hour\"}", "delivery.waitForConnection"),
        new Case("\"delivery\": {\"waitForConnection\": \"P31D\"}", "delivery.waitForConnection"),
        new Case("\"delivery\": {\"retry\": {\"maxAttempts\": 0}}", "delivery.retry.maxAttempts"),
        new Case("\"delivery\": {\"retry\": {\"maxAttempts\": 2, \"on\": [\"Boom\"]}}", "delivery.retry.on"),
        new Case("\"delivery\": {\"confirm\": true}", "delivery.confirm"),
        new Case("\"delivery\": {\"sometimes\": true}", "delivery.sometimes"),
        new Case("\"delivery\": 3", "delivery"),
        new Case("\"rollout\": {\"maxPerMinute\": -5}", "rollout.maxPerMinute"),
        new Case("\"rollout\": {\"maxPerMinute\": 10, \"ramp\": {\"startPerMinute\": 60, \"afterSucceeded\": 5}}",
            "rollout.ramp.startPerMinute"),
        new Case("\"rollout\": {\"successGate\": {\"minSuccessPercent\": 101}}", "rollout.successGate"),
        new Case("\"rollout\": {\"successGate\": {\"minSuccessPercent\": 50, \"action\": \"shrug\"}}",
            "rollout.successGate.action"),
        new Case("\"continuous\": \"yes\"", "continuous"),
        new Case("\"end\": \"2031-01-01T00:00:00Z\"", "end"),
        new Case("\"continuous\": true, \"end\": \"tomorrow\"", "end"));
    for (Case c : cases) {
      String message = assertError(api.put("/api/jobs/ext-bad", commandJob(c.extra())), 400, "BadRequest");
      assertThat(message).as(c.extra()).contains(c.mention());
    }
    assertError(api.get("/api/jobs/ext-bad"), 404, "NotFound");
  }

  @Test
  void aDryRunValidatesCountsAndStoresNothing() {
    assertError(api.put("/api/jobs/ext-dry?dryRun=true", commandJob("\"delivery\": {\"retry\": {}}")), 400,
        "BadRequest");
    assertError(api.put("/api/jobs/ext-dry?dryRun=maybe", commandJob("")), 400, "BadRequest");
    JsonNode dry = assertOk(api.put("/api/jobs/ext-dry?dryRun=true", """
        {"group": "%s", "batch": {"type": "number", "value": 2},
         "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 10}]}""".formatted(group, template)));
    assertThat(dry.get("status").asText()).isEqualTo("pending");
    assertThat(dry.at("/dryRun/total").asInt()).isEqualTo(3);
    assertThat(dry.at("/dryRun/templateMismatch").asInt()).isZero();
    assertThat(dry.at("/dryRun/connected").asInt()).isZero();
    assertThat(dry.at("/dryRun/batchSize").asInt()).isEqualTo(2);
    assertThat(dry.at("/dryRun/batchCount").asInt()).isEqualTo(2);
    assertThat(dry.at("/progress/total").asInt()).isEqualTo(3);
    assertError(api.get("/api/jobs/ext-dry"), 404, "NotFound");

    assertOk(api.put("/api/jobs/ext-dry", commandJob("")));
    assertError(api.put("/api/jobs/ext-dry?dryRun=true", commandJob("")), 409, "Conflict");
  }

  @Test
  void theOpenApiDocumentDescribesTheExtensions() {
    JsonNode doc = ApiClient.JSON.createObjectNode();
    try {
      doc = ApiClient.JSON.readTree(api.get("/openapi.json").text());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    JsonNode ext = doc.at("/components/schemas/JobExtensions/properties");
    assertThat(ext.at("/delivery/properties/retry/properties/on/items/enum")).hasSize(4);
    assertThat(ext.has("rollout") && ext.has("continuous") && ext.has("end")).isTrue();
    assertThat(doc.at("/paths/~1api~1jobs~1{jobId}/put/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/JobExtensions");
    assertThat(doc.at("/paths/~1api~1jobs~1{jobId}/put/parameters").findValuesAsText("name")).contains("dryRun");
  }

  @Test
  void oneDevicesEntryListsItsAttempts() {
    assertOk(api.put("/api/jobs/ext-one", commandJob("")));
    await().atMost(Duration.ofSeconds(10)).until(() -> "complete".equals(
        assertOk(api.get("/api/jobs/ext-one")).get("status").asText()));
    JsonNode page = assertOk(api.get("/api/jobs/ext-one/devices"));
    String id = page.get("value").get(0).get("id").asText();
    JsonNode one = assertOk(api.get("/api/jobs/ext-one/devices/" + id));
    assertThat(one.get("status").asText()).isEqualTo("failed");
    assertThat(one.at("/error/code").asText()).isEqualTo("DeviceNotOnline");
    assertThat(one.get("attempts")).hasSize(1);
    assertThat(one.at("/attempts/0/n").asInt()).isEqualTo(1);
    assertThat(one.at("/attempts/0/error/code").asText()).isEqualTo("DeviceNotOnline");
    assertThat(page.get("value").get(0).get("attempts")).isEqualTo(one.get("attempts"));
    assertError(api.get("/api/jobs/ext-one/devices/nobody"), 404, "NotFound");
    assertError(api.get("/api/jobs/none/devices/" + id), 404, "NotFound");
  }
}
