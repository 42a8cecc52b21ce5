package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ApiClient.Response;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.TestServer;
import io.flotilla.testing.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/auditLogs} (a Flotilla extension): every write the API accepted is in it, with who, what, when and
 * the request id, before the answer is sent; rejected requests leave nothing; newest first, keyset-paged, filtered;
 * entries older than the retention are pruned by the periodic task.
 */
class AuditLogApiTest {
  private static TestServer server;
  private static ApiClient admin;
  private static String operatorToken;
  private static String template;

  @BeforeAll
  static void start() {
    // A prune every 100 ms, so that the test waits for it instead of for the production interval.
    server = TestServer.start(c -> c.withAudit(Duration.ofDays(90), Duration.ofMillis(100)));
    admin = server.api();
    operatorToken = Tokens.create(admin, "audit-operator", Tokens.OPERATOR, null);
    template = Templates.publishTruck(admin, "Audit truck");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode newest(String query) {
    return assertOk(admin.get("/api/auditLogs?maxpagesize=1" + query)).path("value").path(0);
  }

  private static String requestId(Response r) {
    return r.requestId();
  }

  @Test
  void anAcceptedWriteIsInTheLogBeforeItsAnswerWithWhoWhatAndWhen() {
    ApiClient operator = admin.as(operatorToken);
    Instant before = server.clock().instant();
    Response put = operator.put("/api/devices/audit-1", Devices.aTruck("Audit 1", template));
    assertThat(put.status()).isEqualTo(200);
    JsonNode e = newest("");
    assertThat(e.path("requestId").asText()).isEqualTo(requestId(put));
    assertThat(e.path("method").asText()).isEqualTo("PUT");
    assertThat(e.path("path").asText()).isEqualTo("/api/devices/audit-1");
    assertThat(e.path("query").asText()).isEqualTo("api-version=2022-07-31");
    assertThat(e.path("operationId").asText()).isEqualTo("Devices_Create");
    assertThat(e.path("resource").path("kind").asText()).isEqualTo("devices");
    assertThat(e.path("resource").path("id").asText()).isEqualTo("audit-1");
    assertThat(e.path("status").asInt()).isEqualTo(200);
    assertThat(e.path("token").path("id").asText()).isEqualTo("audit-operator");
    assertThat(e.path("token").path("roles").path(0).path("role").asText()).isEqualTo(Tokens.OPERATOR);
    Instant time = Instant.parse(e.path("time").asText());
    assertThat(time).isBetween(before, server.clock().instant());
    assertThat(e.path("id").asText()).isNotBlank();

    // every kind of write: PATCH, a 202, a POST, a DELETE, and a token (whose secret is nowhere in the entry)
    Response patch = admin.patch("/api/devices/audit-1", "{\"displayName\": \"Audit one\"}");
    assertThat(newest("").path("requestId").asText()).isEqualTo(requestId(patch));
    Response props = admin.patch("/api/devices/audit-1/properties", "{\"TargetTemperature\": 3}");
    assertThat(props.status()).isEqualTo(202);
    assertThat(newest("").path("status").asInt()).isEqualTo(202);
    assertThat(newest("").path("operationId").asText()).isEqualTo("Devices_UpdateProperties");
    Response token = admin.put("/api/apiTokens/audit-new", Tokens.body(Tokens.BUILDER, null));
    JsonNode tokenEntry = newest("");
    assertThat(tokenEntry.path("requestId").asText()).isEqualTo(requestId(token));
    assertThat(tokenEntry.toString()).doesNotContain(token.json().path("token").asText().split("sig=")[1]);
    Response delete = admin.delete("/api/devices/audit-1");
    assertThat(delete.status()).isEqualTo(204);
    JsonNode deleted = newest("");
    assertThat(deleted.path("requestId").asText()).isEqualTo(requestId(delete));
    assertThat(deleted.path("method").asText()).isEqualTo("DELETE");
    assertThat(deleted.path("status").asInt()).isEqualTo(204);
  }

  @Test
  void rejectedRequestsAndReadsLeaveNothing() {
    String last = newest("").path("id").asText();
    ApiClient operator = admin.as(operatorToken);
    assertError(admin.put("/api/devices/audit-bad", "{\"displayName\": 5}"), 400, "BadRequest");
    assertError(admin.as(null).put("/api/devices/audit-bad", "{}"), 401, "Unauthorized");
    assertError(operator.put("/api/apiTokens/audit-x", Tokens.body(Tokens.OPERATOR, null)), 403, "Forbidden");
    assertError(admin.delete("/api/devices/audit-never"), 404, "NotFound");
    assertError(admin.put("/api/apiTokens/audit-operator", Tokens.body(Tokens.OPERATOR, null)), 409, "Conflict");
    assertOk(admin.get("/api/devices"));
    assertThat(newest("").path("id").asText()).isEqualTo(last);
  }

  @Test
  void pagesRunNewestFirstWithNextLinksAndFilterByKindResourceAndToken() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(0, requestId(admin.put("/api/deviceGroups/audit-g" + i,
          "{\"displayName\": \"G\", \"filter\": \"SELECT * FROM devices\"}")));
    }
    String operatorWrite = requestId(admin.as(operatorToken).put("/api/deviceGroups/audit-g9",
        "{\"displayName\": \"G\", \"filter\": \"SELECT * FROM devices\"}"));

    List<String> listed = new ArrayList<>();
    String next = "/api/auditLogs?resourceKind=deviceGroups&maxpagesize=2";
    for (int pages = 0; next != null && pages < 10; pages++) {
      JsonNode page = assertOk(next.startsWith("http") ? admin.getAbs(next) : admin.get(next));
      page.path("value").forEach(e -> listed.add(e.path("requestId").asText()));
      assertThat(page.path("value").size()).isLessThanOrEqualTo(2);
      next = page.path("nextLink").asText(null);
      if (next != null) {
        assertThat(next).contains("resourceKind=deviceGroups").contains("$skiptoken=");
      }
    }
    assertThat(listed).startsWith(operatorWrite).containsSubsequence(ids);

    JsonNode byToken = assertOk(admin.get("/api/auditLogs?tokenId=audit-operator"));
    assertThat(byToken.path("value")).isNotEmpty().allSatisfy(e ->
        assertThat(e.path("token").path("id").asText()).isEqualTo("audit-operator"));
    JsonNode byResource = assertOk(admin.get("/api/auditLogs?resourceKind=deviceGroups&resourceId=audit-g3"));
    assertThat(byResource.path("value")).hasSize(1);
    assertThat(byResource.path("value").path(0).path("requestId").asText()).isEqualTo(ids.get(1));

    assertError(admin.get("/api/auditLogs?$skiptoken=nonsense"), 400, "BadRequest");
    assertError(admin.get("/api/auditLogs?tokenId=" + "t".repeat(3000)), 400, "BadRequest");
    assertError(admin.as(operatorToken).get("/api/auditLogs"), 403, "Forbidden");
  }

  @Test
  void entriesOlderThanTheRetentionArePrunedByThePeriodicTask() {
    String old = requestId(admin.put("/api/deviceGroups/audit-old",
        "{\"displayName\": \"Old\", \"filter\": \"SELECT * FROM devices\"}"));
    assertThat(listsRequest(old)).isTrue();
    server.clock().advance(Duration.ofDays(91));
    String young = requestId(admin.put("/api/deviceGroups/audit-young",
        "{\"displayName\": \"Young\", \"filter\": \"SELECT * FROM devices\"}"));
    await().atMost(Duration.ofSeconds(20)).until(() -> !listsRequest(old));
    assertThat(listsRequest(young)).isTrue();
  }

  private static boolean listsRequest(String requestId) {
    String next = "/api/auditLogs?resourceKind=deviceGroups";
    while (next != null) {
      JsonNode page = assertOk(next.startsWith("http") ? admin.getAbs(next) : admin.get(next));
      for (JsonNode e : page.path("value")) {
        if (e.path("requestId").asText().equals(requestId)) {
          return true;
        }
      }
      next = page.path("nextLink").asText(null);
    }
    return false;
  }
}
