package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Templates;
import io.flotilla.testing.TestServer;
import io.flotilla.testing.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/apiTokens} and {@code /api/roles}, and how tokens authenticate and authorize (D-h). */
class ApiTokensApiTest {
  private static TestServer server;
  private static ApiClient admin;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    admin = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void createReturnsTheTokenStringOnceAndGetNeverShowsIt() {
    Instant expiry = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
    JsonNode created = assertOk(admin.put("/api/apiTokens/ci-token", Tokens.body(Tokens.OPERATOR, expiry)));

    assertThat(created.path("id").asText()).isEqualTo("ci-token");
    assertThat(created.path("roles").get(0).path("role").asText()).isEqualTo(Tokens.OPERATOR);
    assertThat(Instant.parse(created.path("expiry").asText())).isEqualTo(expiry);
    String token = created.path("token").asText();
    assertThat(token).startsWith("SharedAccessSignature sr=")
        .contains("&sig=").contains("&skn=ci-token").endsWith("&se=" + expiry.toEpochMilli());

    JsonNode one = assertOk(admin.get("/api/apiTokens/ci-token"));
    assertThat(one.has("token")).isFalse();
    assertThat(one.path("id").asText()).isEqualTo("ci-token");
    assertThat(Instant.parse(one.path("expiry").asText())).isEqualTo(expiry);
    assertThat(one.path("roles")).isEqualTo(created.path("roles"));

    JsonNode list = assertOk(admin.get("/api/apiTokens"));
    List<String> ids = new ArrayList<>();
    list.path("value").forEach(t -> {
      ids.add(t.path("id").asText());
      assertThat(t.has("token")).as("token listed in %s", t).isFalse();
    });
    assertThat(ids).contains("ci-token");
    assertThat(list.toString()).doesNotContain(token.substring(token.indexOf("sig=") + 4, token.indexOf("&skn")));
  }

  @Test
  void withoutExpiryATokenIsValidForAboutAYear() {
    JsonNode created = assertOk(admin.put("/api/apiTokens/" + Tokens.newId("year"),
        "{\"roles\":[{\"role\":\"" + Tokens.OPERATOR + "\"}]}"));
    Instant expiry = Instant.parse(created.path("expiry").asText());
    assertThat(expiry).isBetween(Instant.now().plus(360, ChronoUnit.DAYS), Instant.now().plus(370, ChronoUnit.DAYS));
  }

  @Test
  void aNewTokenWorksAtOnceAndDeleteRevokesItAtOnce() {
    String id = Tokens.newId("revoke");
    String token = Tokens.create(admin, id, Tokens.OPERATOR, null);
    ApiClient op = admin.as(token);
    assertOk(op.get("/api/devices"));

    assertThat(admin.delete("/api/apiTokens/" + id).status()).isEqualTo(204);

    assertError(op.get("/api/devices"), 401, "Unauthorized");
    assertError(admin.get("/api/apiTokens/" + id), 404, "NotFound");
    assertError(admin.delete("/api/apiTokens/" + id), 404, "NotFound");
  }

  /**
   * Revocation on every connection at once: clients on their own connections keep calling with a token while it is
   * deleted; every request sent after the DELETE was answered is refused (before, a lookup racing the DELETE could
   * cache the token again for up to 10 s).
   */
  @Test
  void aDeletedTokenIsRefusedOnEveryConnectionFromTheNextRequestOn() throws Exception {
    String id = Tokens.newId("revoke-all");
    String token = Tokens.create(admin, id, Tokens.OPERATOR, null);
    List<ApiClient> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(new ApiClient(admin.port(), token));
      assertOk(clients.get(i).get("/api/roles")); // connected, and the token cached
    }
    java.util.concurrent.atomic.AtomicLong deletedAt = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    java.util.concurrent.atomic.AtomicInteger after = new java.util.concurrent.atomic.AtomicInteger();
    List<String> acceptedAfter = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CountDownLatch calling = new java.util.concurrent.CountDownLatch(clients.size());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients.size());
    try {
      List<java.util.concurrent.Future<?>> callers = new ArrayList<>();
      for (ApiClient c : clients) {
        callers.add(pool.submit(() -> {
          // Until each connection has made a few requests after the revocation.
          for (int n = 0; n < 2000 && after.get() < 40; n++) {
            long sent = System.nanoTime();
            int status = c.get("/api/roles").status();
            calling.countDown();
            if (sent > deletedAt.get()) {
              after.incrementAndGet();
              if (status != 401) {
                acceptedAfter.add(status + " sent " + (sent - deletedAt.get()) / 1000 + " us after the DELETE");
              }
            }
          }
        }));
      }
      assertThat(calling.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("every caller calling").isTrue();
      assertThat(admin.delete("/api/apiTokens/" + id).status()).isEqualTo(204);
      deletedAt.set(System.nanoTime());
      for (var f : callers) {
        f.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(ApiClient::close);
    }
    assertThat(after.get()).as("requests sent after the DELETE").isGreaterThanOrEqualTo(40);
    assertThat(acceptedAfter).as("requests after the DELETE that were not refused").isEmpty();
  }

  @Test
  void anExpiredTokenIsRejected() {
    Instant expiry = server.clock().instant().plusSeconds(60);
    String token = Tokens.create(admin, Tokens.newId("short"), Tokens.OPERATOR, expiry);
    ApiClient op = admin.as(token);
    assertOk(op.get("/api/devices"));

    server.clock().advance(Duration.ofSeconds(61)); // the server's time passes the expiry; no sleeping

    assertError(op.get("/api/devices"), 401, "Unauthorized");
  }

  @Test
  void tamperedUnknownOrMissingCredentialsAre401() {
    String token = Tokens.create(admin, Tokens.OPERATOR);
    assertOk(admin.as(token).get("/api/devices"));

    int sig = token.indexOf("sig=") + 4;
    char c = token.charAt(sig);
    String tamperedSig = token.substring(0, sig) + (c == 'A' ? 'B' : 'A') + token.substring(sig + 1);
    assertError(admin.as(tamperedSig).get("/api/devices"), 401, "Unauthorized");

    String se = token.substring(token.indexOf("&se=") + 4);
    String laterExpiry = token.replace("&se=" + se, "&se=" + (Long.parseLong(se) + 1000));
    assertError(admin.as(laterExpiry).get("/api/devices"), 401, "Unauthorized");

    String otherApp = token.replaceFirst("sr=[^&]+", "sr=00000000-0000-0000-0000-000000000000");
    assertError(admin.as(otherApp).get("/api/devices"), 401, "Unauthorized");

    String unknownId = token.replaceFirst("skn=[^&]+", "skn=nobody");
    assertError(admin.as(unknownId).get("/api/devices"), 401, "Unauthorized");

    assertError(admin.as(null).get("/api/devices"), 401, "Unauthorized");
    assertError(admin.as("Bearer eyJhbGciOi").get("/api/devices"), 401, "Unauthorized");
    assertError(admin.as("SharedAccessSignature garbage").get("/api/devices"), 401, "Unauthorized");
  }

  @Test
  void operatorsMayNotWriteTemplatesOrManageTokens() {
    ApiClient op = admin.as(Tokens.create(admin, Tokens.OPERATOR));
    String id = Templates.newId("forbidden");

    assertError(op.put(Templates.path(id), Templates.aRefrigeratedTruck("Nope")), 403, "Forbidden");
    assertError(admin.get(Templates.path(id)), 404, "NotFound");
    assertError(op.get("/api/apiTokens"), 403, "Forbidden");
    assertError(op.put("/api/apiTokens/" + Tokens.newId("escalate"), Tokens.body(Tokens.ADMINISTRATOR, null)),
        403, "Forbidden");

    assertOk(op.get("/api/deviceTemplates"));
    assertOk(op.get("/api/roles"));
    assertOk(op.get("/api/deviceGroups"));
  }

  @Test
  void buildersWriteTemplatesButNotTokens() {
    ApiClient builder = admin.as(Tokens.create(admin, Tokens.BUILDER));
    String id = Templates.newId("built");

    assertOk(builder.put(Templates.path(id), Templates.aRefrigeratedTruck("Built")));
    assertThat(builder.delete(Templates.path(id)).status()).isEqualTo(204);
    assertError(builder.get("/api/apiTokens"), 403, "Forbidden");
  }

  @Test
  void forbiddenOnlyAfterAuthentication() {
    String token = Tokens.create(admin, Tokens.OPERATOR);
    String tampered = token.replaceFirst("skn=[^&]+", "skn=someone-else");
    assertError(admin.as(tampered).put(Templates.path(Templates.newId("x")), Templates.aRefrigeratedTruck("X")),
        401, "Unauthorized");
  }

  @Test
  void badTokenRequestsAre400AndCreateNothing() {
    String future = Instant.now().plus(1, ChronoUnit.DAYS).toString();
    String[][] cases = {
        {"no-roles", "{\"expiry\":\"" + future + "\"}"},
        {"empty-roles", "{\"roles\":[]}"},
        {"roles-not-array", "{\"roles\":{\"role\":\"" + Tokens.OPERATOR + "\"}}"},
        {"role-not-object", "{\"roles\":[\"" + Tokens.OPERATOR + "\"]}"},
        {"role-missing", "{\"roles\":[{\"organization\":\"x\"}]}"},
        {"unknown-role", "{\"roles\":[{\"role\":\"11111111-2222-3333-4444-555555555555\"}]}"},
        {"expired", Tokens.body(Tokens.OPERATOR, Instant.now().minusSeconds(60))},
        {"bad-expiry", "{\"roles\":[{\"role\":\"" + Tokens.OPERATOR + "\"}],\"expiry\":\"tomorrow\"}"},
        {"expiry-number", "{\"roles\":[{\"role\":\"" + Tokens.OPERATOR + "\"}],\"expiry\":12345}"},
        {"malformed", "{\"roles\":[{\"role\":"},
        {"array-body", "[{\"role\":\"" + Tokens.OPERATOR + "\"}]"},
    };
    for (String[] c : cases) {
      String message = assertBadRequest(admin.put("/api/apiTokens/" + c[0], c[1]));
      assertError(admin.get("/api/apiTokens/" + c[0]), 404, "NotFound");
      if (c[0].equals("unknown-role")) {
        assertThat(message).contains("11111111-2222-3333-4444-555555555555");
      }
      if (c[0].equals("expired")) {
        assertThat(message).contains("expiry");
      }
    }
  }

  @Test
  void badTokenIdsAre400() {
    assertBadRequest(admin.put("/api/apiTokens/my%20token", Tokens.body(Tokens.OPERATOR, null)));
    assertBadRequest(admin.put("/api/apiTokens/" + "a".repeat(256), Tokens.body(Tokens.OPERATOR, null)));
    assertOk(admin.put("/api/apiTokens/" + "a".repeat(255), Tokens.body(Tokens.OPERATOR, null)));
    JsonNode list = assertOk(admin.get("/api/apiTokens"));
    list.path("value").forEach(t -> assertThat(t.path("id").asText()).doesNotContain(" "));
  }

  @Test
  void anExistingTokenIdIsAConflictAndKeepsTheOldToken() {
    String id = Tokens.newId("dup");
    String token = Tokens.create(admin, id, Tokens.OPERATOR, null);
    assertError(admin.put("/api/apiTokens/" + id, Tokens.body(Tokens.ADMINISTRATOR, null)), 409, "Conflict");
    assertThat(assertOk(admin.get("/api/apiTokens/" + id)).path("roles").get(0).path("role").asText())
        .isEqualTo(Tokens.OPERATOR);
    assertOk(admin.as(token).get("/api/devices"));
  }

  @Test
  void rolesAreTheBuiltInOnesWithFixedIds() {
    JsonNode list = assertOk(admin.get("/api/roles"));
    List<String> pairs = new ArrayList<>();
    list.path("value").forEach(r -> pairs.add(r.path("id").asText() + "=" + r.path("displayName").asText()));
    assertThat(pairs).contains(Tokens.ADMINISTRATOR + "=Administrator", Tokens.BUILDER + "=Builder",
        Tokens.OPERATOR + "=Operator");
    assertThat(list.has("nextLink")).isFalse();

    JsonNode one = assertOk(admin.get("/api/roles/" + Tokens.BUILDER));
    assertThat(one.path("id").asText()).isEqualTo(Tokens.BUILDER);
    assertThat(one.path("displayName").asText()).isEqualTo("Builder");
    assertError(admin.get("/api/roles/00000000-0000-0000-0000-000000000000"), 404, "NotFound");
  }
}
