package io.flotilla.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.api.http.ApiVersion;
import io.flotilla.api.http.RouteSpec;
import io.flotilla.testing.PostgresDatabase;
import io.flotilla.testing.TestServer;
import io.vertx.core.http.HttpMethod;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of the REST API (issue 16): requests generated from the route table against one real server
 * (port 0) through a real HTTP client on a kept-alive connection. For every request:
 * <ul>
 *   <li>the server answers, within {@link FuzzClient#DEADLINE_MS}, and never with a 5xx;</li>
 *   <li>every error answer has the documented shape ({@code {"error":{"code","message","requestId","time"}}},
 *       header {@code x-ms-error-code}, the same {@code x-ms-request-id});</li>
 *   <li>a success is one the route table documents, for an authenticated caller with a valid api-version;</li>
 *   <li>a rejected request changes nothing: every collection and the fixture's sub-resources, listed through the API,
 *       are as before.</li>
 * </ul>
 * After the last case the server is healthy ({@code /healthz} 200). {@code -Dflotilla.fuzz.tries=200000
 * -Dflotilla.fuzz.seed=42} runs a longer or another run (see {@link FuzzRun}); the figures of a run are written to
 * {@code target/fuzz/rest-fuzz.txt}; {@code -Dflotilla.fuzz.db=postgres} runs it against the embedded PostgreSQL.
 */
class RestFuzzTest {
  static final FuzzStats STATS = new FuzzStats();
  private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME;
  private static final Set<HttpMethod> BODY_METHODS = Set.of(HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.POST);

  private static TestServer server;
  private static FuzzClient client;
  private static FuzzFixture fixture;
  /** Every how many-th write case is also checked through the API (every collection listed before and after). */
  private static final int API_SAMPLE = 64;
  private static List<RouteSpec> routes;
  private static StoredState stored;
  private static Map<String, List<String>> baseline;
  private static long writeCases;

  @BeforeContainer
  static void start() {
    // -Dflotilla.fuzz.db=postgres: the same run against the embedded PostgreSQL instead of H2.
    server = "postgres".equalsIgnoreCase(System.getProperty("flotilla.fuzz.db"))
        ? TestServer.start(c -> c.withDatabase(PostgresDatabase.jdbcUrl(), PostgresDatabase.user(),
            PostgresDatabase.password()))
        : TestServer.start();
    client = new FuzzClient(server.server().httpPort());
    fixture = new FuzzFixture(server, client);
    routes = server.server().wiring().api().table().specs();
    stored = new StoredState(server.server().wiring().database().dataSource());
    baseline = stored.read();
  }

  @AfterContainer
  static void stop() {
    if (stored != null) {
      stored.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Provide
  Arbitrary<FuzzCase> requests() {
    return new FuzzCases(routes, fixture.callers).cases();
  }

  @Property(tries = FuzzRun.DEFAULT_TRIES, seed = FuzzRun.DEFAULT_SEED, generation = GenerationMode.RANDOMIZED,
      edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
  @AddLifecycleHook(FuzzRun.class)
  void everyRequestGetsADocumentedAnswerAndARejectedOneChangesNothing(@ForAll("requests") FuzzCase c) {
    STATS.betweenCases(); // generation and jqwik's own work since the last case
    boolean viaApi = c.writes() && ++writeCases % API_SAMPLE == 0;
    Map<String, String> apiBefore = viaApi ? timed(fixture::snapshot) : null;
    FuzzClient.Answer a = c.raw() == null ? send(c) : client.sendRaw(FuzzCases.rawRequest(c, server.server().httpPort()));
    STATS.count(c, a);
    judge(c, a);
    long start = System.nanoTime();
    try {
      checkState(c, a, apiBefore);
    } finally {
      STATS.checkNanos += System.nanoTime() - start;
      STATS.caseEnded();
    }
  }

  private static <T> T timed(java.util.function.Supplier<T> work) {
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      STATS.checkNanos += System.nanoTime() - start;
    }
  }

  /**
   * Sends a case with the HTTP client. A request line or headers over the server's limits are answered (414, 431) and
   * the connection closed at once; a client still sending a large body then sees the connection reset instead of the
   * answer (TCP drops what it had received). Such a case is judged on its answer without the body.
   */
  private static FuzzClient.Answer send(FuzzCase c) {
    try {
      return client.send(c.method(), c.uri(), headers(c), c.body());
    } catch (IllegalStateException closed) {
      boolean overLimits = c.uri().length() > 4096 || c.headers().stream().anyMatch(h -> h.getValue().length() > 4096)
          || (c.authorization() != null && c.authorization().length() > 4096);
      if (c.body() == null || !overLimits || !String.valueOf(closed.getCause()).contains("closed")) {
        throw closed;
      }
      return client.send(c.method(), c.uri(), headers(c), null);
    }
  }

  private static Map<String, String> headers(FuzzCase c) {
    Map<String, String> h = new LinkedHashMap<>();
    if (c.authorization() != null) {
      h.put("Authorization", c.authorization());
    }
    if (c.contentType() != null) {
      h.put("content-type", c.contentType());
    }
    c.headers().forEach(e -> h.put(e.getKey(), e.getValue()));
    return h;
  }

  /** The answer alone: status, shape, and whether a success was possible at all. */
  private static void judge(FuzzCase c, FuzzClient.Answer a) {
    assertThat(a).as("an answer to %s (the server closed the connection without one)", c).isNotNull();
    int status = a.status();
    boolean badVersionLine = c.raw() == FuzzCases.Raw.BAD_VERSION && status == 505;
    assertThat(status < 500 || badVersionLine).as("no 5xx: %s answered %s %s", c, status, a.text()).isTrue();
    assertThat(status).as("a final status for %s", c).isGreaterThanOrEqualTo(200);
    String requestId = a.header("x-ms-request-id");
    assertThat(requestId).as("x-ms-request-id of %s -> %s", c, status).isNotBlank();
    if (status >= 400) {
      String code = a.header("x-ms-error-code");
      assertThat(code).as("x-ms-error-code of %s -> %s %s", c, status, a.text()).isNotBlank();
      if (c.method() != HttpMethod.HEAD) {
        assertThat(a.header("content-type")).as("content-type of %s -> %s", c, status).startsWith("application/json");
        JsonNode body = FuzzFixture.read(a.text());
        JsonNode error = body.path("error");
        assertThat(body.size()).as("only \"error\" in %s -> %s", c, a.text()).isEqualTo(1);
        assertThat(error.path("code").asText()).as("error.code of %s", c).isEqualTo(code);
        assertThat(error.path("message").isTextual() && !error.path("message").asText().isBlank())
            .as("error.message of %s -> %s", c, a.text()).isTrue();
        assertThat(error.path("requestId").asText()).as("error.requestId of %s", c).isEqualTo(requestId);
        ZonedDateTime.parse(error.path("time").asText(), RFC_1123);
      }
      return;
    }
    assertThat(status).as("2xx (never a redirect or informational) for %s -> %s", c, a.text()).isLessThan(300);
    assertThat(Set.of("admin", "operator", "builder")).as("a success needs a valid token: %s -> %s", c, status)
        .contains(c.caller());
    assertThat(c.versionValid()).as("a success needs a supported api-version: %s -> %s", c, status).isTrue();
    Set<Integer> documented = routes.stream().filter(r -> r.method() == c.method()).map(RouteSpec::successStatus)
        .collect(Collectors.toSet());
    assertThat(documented).as("a success status the route table documents for %s: %s", c.method(), c)
        .contains(status);
    ApiVersion version = ApiVersion.parse(parameters(c.query()).stream().filter(kv -> kv[0]
        .equalsIgnoreCase("api-version")).findFirst().map(kv -> kv[1]).orElseThrow());
    for (String[] kv : parameters(c.query())) {
      if (!kv[0].isEmpty() && !kv[0].equalsIgnoreCase("api-version")) {
        assertThat(c.route().parameter(kv[0]).filter(q -> q.acceptedUnder(version)))
            .as("a success only with parameters %s declares under %s: %s", c.route().operationId(), version, c)
            .isPresent();
      }
    }
    String type = a.header("content-type");
    if (a.body().length > 0 && type != null && type.startsWith("application/json")) {
      FuzzFixture.read(a.text());
    }
  }

  /** The decoded name and value of each parameter of a query string (the request succeeded, so it decodes). */
  private static List<String[]> parameters(String query) {
    List<String[]> out = new java.util.ArrayList<>();
    for (String part : query.split("&")) {
      String[] kv = part.split("=", 2);
      out.add(new String[] {java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
          kv.length < 2 ? "" : java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8)});
    }
    return out;
  }

  /**
   * Accepted writes: the fixture is put back if they touched it, and what is stored then becomes the baseline.
   * Anything else (rejected writes, reads, requests bent on the wire): what is stored must be the baseline, and for a
   * sample of writes every collection listed through the API must be as it was before the request.
   */
  private static void checkState(FuzzCase c, FuzzClient.Answer a, Map<String, String> apiBefore) {
    if (c.writes() && a.status() < 300) {
      STATS.accepted.incrementAndGet();
      checkAuditEntry(c, a);
      if (fixture.restoreAfter(c.method(), c.path(), a.text())) {
        STATS.restores.incrementAndGet();
      }
      baseline = stored.read();
      return;
    }
    if (c.writes()) {
      STATS.rejectedWrites.incrementAndGet();
    }
    STATS.storedChecks.incrementAndGet();
    List<String> changed = StoredState.differences(baseline, stored.read());
    if (!changed.isEmpty()) {
      baseline = stored.read();
    }
    assertThat(changed).as("nothing stored changed by %s -> %s %s", c, a.status(), a.text()).isEmpty();
    if (apiBefore != null) {
      STATS.apiChecks.incrementAndGet();
      Map<String, String> now = fixture.snapshot();
      Set<String> differ = new TreeSet<>();
      for (String k : now.keySet()) {
        if (!Objects.equals(now.get(k), apiBefore.get(k))) {
          differ.add(k + ":\n  before: " + FuzzClient.abbreviate(apiBefore.get(k)) + "\n  after:  "
              + FuzzClient.abbreviate(now.get(k)));
        }
      }
      assertThat(differ).as("every collection as before %s -> %s", c, a.status()).isEmpty();
    }
  }

  /** The accepted write is the audit log's newest entry: this request, this caller, this answer. */
  private static void checkAuditEntry(FuzzCase c, FuzzClient.Answer a) {
    STATS.auditChecks.incrementAndGet();
    JsonNode newest = FuzzFixture.read(fixture.call(HttpMethod.GET, "/api/auditLogs?maxpagesize=1", null).text())
        .path("value").path(0);
    assertThat(newest.path("requestId").asText()).as("the audit entry of %s -> %s: %s", c, a.status(), newest)
        .isEqualTo(a.header("x-ms-request-id"));
    assertThat(newest.path("status").asInt()).as("status in %s", newest).isEqualTo(a.status());
    assertThat(newest.path("method").asText()).as("method in %s", newest).isEqualTo(c.method().name());
    assertThat(newest.path("token").path("id").asText()).as("token in %s", newest).isEqualTo("fz-" + c.caller());
  }

  /** Called by {@link FuzzRun} after the last case: the server is healthy and holds what it held. */
  static void afterTheLastCase() {
    FuzzClient.Answer health = client.send(HttpMethod.GET, "/healthz", Map.of(), null);
    assertThat(health.status()).as("/healthz after the run: %s", health.text()).isEqualTo(200);
    assertThat(StoredState.differences(baseline, stored.read())).as("the stored state after the run").isEmpty();
    fixture.snapshot(); // every collection still lists
  }

  /** The generator knows a valid body for every operation that takes one. */
  @Example
  void everyWritingRouteHasASeedBody() {
    List<String> missing = routes.stream().filter(r -> BODY_METHODS.contains(r.method()))
        .map(RouteSpec::operationId).filter(op -> FuzzBodies.seed(op).isEmpty()).toList();
    assertThat(missing).as("operations that take a body and have no seed in FuzzBodies").isEmpty();
  }

  /** The generator's routes are the ones the server serves and documents in /openapi.json. */
  @Example
  void theRouteTableIsWhatOpenApiJsonDocuments() {
    FuzzClient.Answer a = client.send(HttpMethod.GET, "/openapi.json", Map.of(), null);
    JsonNode paths = FuzzFixture.read(a.text()).path("paths");
    Set<String> documented = new TreeSet<>();
    paths.fieldNames().forEachRemaining(p -> paths.get(p).fieldNames().forEachRemaining(m ->
        documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p)));
    Set<String> generated = routes.stream().map(r -> r.method().name() + " " + r.path())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(generated).isEqualTo(documented);
  }
}
