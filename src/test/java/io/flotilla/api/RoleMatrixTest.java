package io.flotilla.api;

import static io.flotilla.domain.auth.Permission.ADMINISTER;
import static io.flotilla.domain.auth.Permission.BUILD_MODELS;
import static io.flotilla.domain.auth.Permission.OPERATE_DEVICES;
import static io.flotilla.domain.auth.Permission.READ_MODELS;
import static io.flotilla.domain.auth.Permission.VIEW_DEVICES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.api.http.RouteSpec;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.auth.Role;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ApiClient.Response;
import io.flotilla.testing.TestServer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Decision D-h end to end: every route of the live route table, called by every kind of caller, answers 401, 403 or
 * passes authorization exactly as the decision says. The route list is read from the running server, so routes added
 * later are covered without touching this test; a route whose resource has no D-h rule below fails until one is added.
 */
class RoleMatrixTest {
  private static final String PLACEHOLDER = "nope";
  private static final String RUN = Long.toString(System.nanoTime(), 36);

  /** D-h's role columns, written out from the decision (not read from {@link Role}, which is under test). */
  private static final Map<Permission, Set<String>> D_H_GRANTS = Map.of(
      OPERATE_DEVICES, Set.of("operator", "builder", "admin", "org-admin", "org-operator"),
      // Reference 7.3: Org Viewer reads only (reads of the device area, not a device's keys).
      VIEW_DEVICES, Set.of("operator", "builder", "admin", "org-admin", "org-operator", "org-viewer"),
      READ_MODELS, Set.of("operator", "builder", "admin", "org-admin", "org-operator", "org-viewer"),
      BUILD_MODELS, Set.of("builder", "admin"),
      ADMINISTER, Set.of("admin"));

  /** D-h's area rows: resource (first path segment after /api/) + methods -> the permission the route must need. */
  private static final List<Rule> D_H_RULES = List.of(
      Rule.any("apiTokens", ADMINISTER),
      Rule.any("users", ADMINISTER),
      // Flotilla's audit log (issue 16): who changed what is an administrator's business, like the tokens themselves.
      Rule.any("auditLogs", ADMINISTER),
      // Non-admin reads of /organizations are left open by D-h (reference §10.2); decided: every role reads the
      // organizations it reaches (docs/api.md), writes are the administrators'.
      Rule.of("organizations", READ_MODELS, HttpMethod.GET),
      Rule.of("organizations", ADMINISTER, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.POST, HttpMethod.DELETE),
      Rule.of("deviceTemplates", READ_MODELS, HttpMethod.GET),
      Rule.of("deviceTemplates", BUILD_MODELS, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.POST, HttpMethod.DELETE),
      Rule.any("enrollmentGroups", BUILD_MODELS),
      // Reads of the device area are VIEW_DEVICES (Org Viewer), but a device's attestation and credentials hold keys.
      Rule.keys("devices", OPERATE_DEVICES),
      Rule.reads("devices", VIEW_DEVICES),
      Rule.writes("devices", OPERATE_DEVICES),
      Rule.reads("deviceGroups", VIEW_DEVICES),
      Rule.writes("deviceGroups", OPERATE_DEVICES),
      Rule.reads("jobs", VIEW_DEVICES),
      Rule.writes("jobs", OPERATE_DEVICES),
      Rule.reads("scheduledJobs", VIEW_DEVICES),
      Rule.writes("scheduledJobs", OPERATE_DEVICES),
      // The console's live streams (Flotilla extensions): whoever may read devices and jobs may watch them.
      Rule.any("deviceConnectivity", VIEW_DEVICES),
      Rule.any("jobProgress", VIEW_DEVICES),
      Rule.of("roles", READ_MODELS, HttpMethod.GET),
      // Not in D-h's table; reference §7.3: Builders may do everything but application settings and Data Export.
      Rule.any("dataExport", ADMINISTER),
      // Not in D-h's table (reference §10.2): the query API reads device telemetry, which operators may read.
      Rule.any("query", OPERATE_DEVICES),
      // Flotilla's own (not in D-h): the cluster's nodes, registered for administrators by ClusterRoutes.
      Rule.any("cluster", ADMINISTER),
      // Not in D-h's table (reference §10.2): the file upload configuration is an application setting (storage
      // credentials), like data export; the uploads list is Flotilla's own, beside it.
      Rule.any("fileUploads", ADMINISTER));

  /**
   * The organization dimension: a role assignment that names an organization grants only these areas (the devices'
   * and reading models); everything application-wide needs an assignment without one (docs/api.md).
   */
  private static final Set<Permission> ORGANIZATION_AREAS = Set.of(OPERATE_DEVICES, VIEW_DEVICES, READ_MODELS);
  /** Resources outside the scoped callers' organization, by the path parameter that names them. */
  private static final Map<String, String> OUTSIDE = Map.of("deviceId", "rm-out-device", "deviceGroupId",
      "rm-out-group", "jobId", "rm-out-job", "scheduledJobId", "rm-out-schedule", "organizationId", "rm-east");

  private static TestServer server;
  private static List<RouteSpec> routes;
  private static List<Caller> callers;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    routes = server.server().wiring().api().table().specs();
    ApiClient root = server.api();

    // A token that expires a minute from now on the server's clock, which is then moved past it (no sleeping).
    Instant expiry = server.clock().instant().plusSeconds(60);
    String expiring = createToken(root, "expiring", Role.ADMINISTRATOR, expiry);
    Response beforeExpiry = root.as(expiring).get("/api/roles");

    String operator = createToken(root, "operator", Role.OPERATOR, null);
    String builder = createToken(root, "builder", Role.BUILDER, null);
    String admin = createToken(root, "admin", Role.ADMINISTRATOR, null);
    String revoked = createToken(root, "revoked", Role.ADMINISTRATOR, null);
    assertThat(root.as(revoked).get("/api/roles").status()).as("revoked token before revocation").isEqualTo(200);
    assertThat(root.delete("/api/apiTokens/" + tokenId("revoked")).status()).isEqualTo(204);
    String tampered = tamperSignature(admin);

    // Proves the later 401s come from expiry, not from a token that never worked.
    assertThat(beforeExpiry.status()).as("expiring token while still valid: %s", beforeExpiry).isEqualTo(200);
    server.clock().advance(Duration.ofSeconds(61));

    assertThat(root.put("/api/organizations/rm-west", "{\"displayName\":\"West\"}").status()).isEqualTo(200);
    assertThat(root.put("/api/organizations/rm-east", "{\"displayName\":\"East\"}").status()).isEqualTo(200);
    String orgOperator = createToken(root, "org-operator", Role.OPERATOR, null, "rm-west");
    String orgAdmin = createToken(root, "org-admin", Role.ADMINISTRATOR, null, "rm-west");
    String orgAdminRole = createToken(root, "org-admin-role", Role.ORG_ADMIN, null, "rm-west");
    String orgOperatorRole = createToken(root, "org-operator-role", Role.ORG_OPERATOR, null, "rm-west");
    String orgViewerRole = createToken(root, "org-viewer-role", Role.ORG_VIEWER, null, "rm-west");
    outsideResources(root);

    callers = List.of(
        Caller.rejected("no token", null),
        Caller.rejected("expired token", expiring),
        Caller.rejected("tampered signature", tampered),
        Caller.rejected("revoked token", revoked),
        Caller.role("operator", operator),
        Caller.role("builder", builder),
        Caller.role("admin", admin),
        Caller.scoped("operator", "operator in rm-west", orgOperator),
        Caller.scoped("admin", "admin in rm-west", orgAdmin),
        Caller.scoped("org-admin", "Org Admin in rm-west", orgAdminRole),
        Caller.scoped("org-operator", "Org Operator in rm-west", orgOperatorRole),
        Caller.scoped("org-viewer", "Org Viewer in rm-west", orgViewerRole));
  }

  /** A device, group, job and scheduled job of the root (no organization), which rm-west's callers must not reach. */
  private static void outsideResources(ApiClient root) {
    String template = io.flotilla.testing.Templates.publishTruck(root, "Role matrix truck");
    assertThat(root.put("/api/devices/" + OUTSIDE.get("deviceId"), "{\"template\":\"" + template + "\"}").status())
        .isEqualTo(200);
    assertThat(root.put("/api/deviceGroups/" + OUTSIDE.get("deviceGroupId"),
        "{\"displayName\":\"all\",\"filter\":\"SELECT * FROM devices\"}").status()).isEqualTo(200);
    String job = "{\"group\":\"" + OUTSIDE.get("deviceGroupId") + "\",\"data\":[{\"type\":\"cloudProperty\","
        + "\"target\":\"" + template + "\",\"path\":\"CustomerName\",\"value\":\"x\"}]";
    assertThat(root.put("/api/jobs/" + OUTSIDE.get("jobId"), job + "}").status()).isEqualTo(200);
    assertThat(root.put("/api/scheduledJobs/" + OUTSIDE.get("scheduledJobId"), job + ",\"displayName\":\"s\","
        + "\"schedule\":{\"start\":\"2031-01-01T00:00:00Z\"}}").status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theRouteTableIsNotEmptyAndTheMatrixCoversEveryPermission() {
    assertThat(routes).extracting(r -> r.method() + " " + r.path())
        .contains("GET /api/apiTokens", "GET /api/roles", "GET /api/deviceTemplates", "GET /api/devices");
    assertThat(D_H_GRANTS.keySet()).as("D-h role columns for every Permission")
        .containsExactlyInAnyOrderElementsOf(EnumSet.allOf(Permission.class));
  }

  @Test
  void theTamperedTokenDiffersFromTheValidOneInExactlyOneSignatureCharacter() {
    String admin = callers.stream().filter(c -> c.name.equals("admin")).findFirst().orElseThrow().header;
    String tampered = tamperSignature(admin);
    assertThat(tampered).hasSameSizeAs(admin).isNotEqualTo(admin);
    int diff = 0;
    for (int i = 0; i < admin.length(); i++) {
      diff += admin.charAt(i) == tampered.charAt(i) ? 0 : 1;
    }
    assertThat(diff).isEqualTo(1);
    assertThat(field(tampered, "skn")).isEqualTo(field(admin, "skn"));
    assertThat(field(tampered, "se")).isEqualTo(field(admin, "se"));
    assertThat(field(tampered, "sig")).isNotEqualTo(field(admin, "sig"));
  }

  /** Each route declares the permission D-h gives its area; unknown areas fail. */
  @TestFactory
  Stream<DynamicNode> everyRouteNeedsThePermissionDhGivesItsArea() {
    return routes.stream().map(r -> dynamicTest(r.method() + " " + r.path(), () -> {
      Permission expected = expectedPermission(r);
      assertThat(r.permission()).as("permission of %s %s (D-h)", r.method(), r.path()).isEqualTo(expected);
    }));
  }

  /**
   * The organization dimension, from the route table: every route that names a device, group, job, scheduled job or
   * organization outside rm-west answers rm-west's callers 404 (or 403 where their assignment does not grant the
   * area), and the resource is still there, unchanged.
   */
  @TestFactory
  Stream<DynamicNode> everyRouteHidesResourcesOutsideTheCallersOrganization() {
    return routes.stream().filter(r -> OUTSIDE.keySet().stream().anyMatch(p -> r.path().contains("{" + p + "}")))
        .map(r -> dynamicContainer(r.method() + " " + r.path(), callers.stream().filter(c -> c.scoped)
            .map(c -> dynamicTest(c.name, () -> checkOutside(r, c)))));
  }

  private static void checkOutside(RouteSpec route, Caller caller) {
    String path = route.path();
    for (Map.Entry<String, String> e : OUTSIDE.entrySet()) {
      path = path.replace("{" + e.getKey() + "}", e.getValue());
    }
    path = path.replaceAll("\\{[^}]+}", PLACEHOLDER);
    boolean hasBody = route.method() == HttpMethod.PUT || route.method() == HttpMethod.PATCH
        || route.method() == HttpMethod.POST;
    String contentType = route.method() == HttpMethod.PATCH ? "application/merge-patch+json" : "application/json";
    Response r = server.api().as(caller.header).send(route.method(), path,
        hasBody ? "{\"displayName\":\"taken\"}" : null, hasBody ? contentType : null);
    String what = caller.name + " -> " + route.method() + " " + path + " answered " + r;
    Permission needed = expectedPermission(route);
    if (!D_H_GRANTS.get(needed).contains(caller.role) || !ORGANIZATION_AREAS.contains(needed)) {
      assertError(r, 403, "Forbidden", what);
    } else {
      assertError(r, 404, "NotFound", what);
    }
    ApiClient root = server.api();
    assertThat(root.get("/api/devices/" + OUTSIDE.get("deviceId")).json().path("displayName").asText())
        .as("the outside device after " + what).isEqualTo(OUTSIDE.get("deviceId"));
    assertThat(root.get("/api/deviceGroups/" + OUTSIDE.get("deviceGroupId")).json().path("displayName").asText())
        .as("the outside group after " + what).isEqualTo("all");
    assertThat(root.get("/api/jobs/" + OUTSIDE.get("jobId")).status()).as("the outside job after " + what)
        .isEqualTo(200);
    assertThat(root.get("/api/scheduledJobs/" + OUTSIDE.get("scheduledJobId")).json().path("displayName").asText())
        .as("the outside scheduled job after " + what).isEqualTo("s");
    assertThat(root.get("/api/organizations/rm-east").json().path("displayName").asText())
        .as("the outside organization after " + what).isEqualTo("East");
  }

  /** Every route x every caller: 401 / 403 / authorized as D-h says, never a 5xx. */
  @TestFactory
  Stream<DynamicNode> everyRouteAnswersEveryCallerAsDhSays() {
    return routes.stream().map(r -> dynamicContainer(r.method() + " " + r.path(),
        callers.stream().map(c -> dynamicTest(c.name, () -> check(r, c)))));
  }

  private static void check(RouteSpec route, Caller caller) {
    String path = route.path().replaceAll("\\{[^}]+}", PLACEHOLDER);
    boolean hasBody = route.method() == HttpMethod.PUT || route.method() == HttpMethod.PATCH
        || route.method() == HttpMethod.POST;
    String contentType = route.method() == HttpMethod.PATCH ? "application/merge-patch+json" : "application/json";
    Response r = server.api().as(caller.header)
        .send(route.method(), path, hasBody ? "{}" : null, hasBody ? contentType : null);
    String what = caller.name + " -> " + route.method() + " " + path + " answered " + r;

    assertThat(r.status()).as(what).isLessThan(500);
    if (caller.role == null) {
      assertError(r, 401, "Unauthorized", what);
      return;
    }
    // Judge by the D-h rule (not only the route's declared permission), so a mis-declared route fails here too.
    Permission needed = expectedPermission(route);
    if (D_H_GRANTS.get(needed).contains(caller.role) && (!caller.scoped || ORGANIZATION_AREAS.contains(needed))) {
      assertThat(r.status()).as(what + " (D-h allows %s)", caller.role).isNotIn(401, 403);
    } else {
      assertError(r, 403, "Forbidden", what + " (D-h denies " + caller.role + ")");
    }
  }

  private static void assertError(Response r, int status, String code, String what) {
    assertThat(r.status()).as(what).isEqualTo(status);
    assertThat(r.errorCodeHeader()).as("x-ms-error-code of " + what).isEqualTo(code);
    assertThat(r.contentType()).as("content-type of " + what).startsWith("application/json");
    JsonNode error = r.json().path("error");
    assertThat(error.isObject()).as("error object of " + what).isTrue();
    assertThat(error.path("code").asText()).as(what).isEqualTo(code);
    assertThat(error.path("message").asText()).as("error.message of " + what).isNotBlank();
    assertThat(error.path("requestId").asText()).as("error.requestId of " + what).isNotBlank();
    String time = error.path("time").asText();
    assertThat(time).as("error.time of " + what).isNotBlank();
    DateTimeFormatter.RFC_1123_DATE_TIME.parse(time);
  }

  private static Permission expectedPermission(RouteSpec route) {
    assertThat(route.path()).as("route path").startsWith("/api/");
    String resource = route.path().substring("/api/".length()).split("/", 2)[0];
    List<Rule> matching = D_H_RULES.stream().filter(rule -> rule.matches(resource, route.path(), route.method())).toList();
    if (matching.size() != 1) {
      fail("D-h rule table has " + matching.size() + " rules for " + route.method() + " " + route.path()
          + " (resource \"" + resource + "\"); add exactly one to RoleMatrixTest.D_H_RULES once D-h places it");
    }
    return matching.get(0).permission;
  }

  private static String createToken(ApiClient root, String name, Role role, Instant expiry) {
    return createToken(root, name, role, expiry, null);
  }

  private static String createToken(ApiClient root, String name, Role role, Instant expiry, String organization) {
    String body = "{\"roles\":[{\"role\":\"" + role.id() + "\""
        + (organization == null ? "" : ",\"organization\":\"" + organization + "\"") + "}]"
        + (expiry == null ? "" : ",\"expiry\":\"" + expiry + "\"") + "}";
    Response r = root.put("/api/apiTokens/" + tokenId(name), body);
    assertThat(r.status()).as("create token %s: %s", name, r).isEqualTo(200);
    String token = r.json().path("token").asText();
    assertThat(token).startsWith("SharedAccessSignature ");
    return token;
  }

  private static String tokenId(String name) {
    return "rm-" + name + "-" + RUN;
  }

  /** Changes one alphanumeric character of the signature, keeping the header well-formed. */
  static String tamperSignature(String header) {
    int start = header.indexOf("sig=") + 4;
    assertThat(start).isGreaterThan(3);
    for (int i = start; i < header.length() && header.charAt(i) != '&'; i++) {
      char c = header.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        char other = c == 'A' ? 'B' : 'A';
        return header.substring(0, i) + other + header.substring(i + 1);
      }
    }
    throw new AssertionError("No alphanumeric character in the signature of " + header);
  }

  private static String field(String header, String name) {
    return Arrays.stream(header.substring(header.indexOf(' ') + 1).split("&"))
        .filter(p -> p.startsWith(name + "=")).map(p -> p.substring(name.length() + 1)).findFirst().orElseThrow();
  }

  /**
   * A caller: an Authorization header (null for none), the D-h role column it holds (null: must get 401) and whether
   * it holds it within an organization only.
   */
  private record Caller(String name, String header, String role, boolean scoped) {
    static Caller rejected(String name, String header) {
      return new Caller(name, header, null, false);
    }

    static Caller role(String role, String header) {
      return new Caller(role, header, role, false);
    }

    /** A D-h role held within organization rm-west. */
    static Caller scoped(String role, String name, String header) {
      return new Caller(name, header, role, true);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A rule for a resource's methods; {@code keys}: only (true) or never (false) a device's attestation/credentials. */
  private record Rule(String resource, Set<HttpMethod> methods, Permission permission, Boolean keys) {
    static Rule any(String resource, Permission p) {
      return new Rule(resource, null, p, null);
    }

    static Rule of(String resource, Permission p, HttpMethod... methods) {
      return new Rule(resource, Set.of(methods), p, null);
    }

    static Rule reads(String resource, Permission p) {
      return new Rule(resource, Set.of(HttpMethod.GET), p, false);
    }

    static Rule writes(String resource, Permission p) {
      return new Rule(resource, Set.of(HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.POST, HttpMethod.DELETE), p, null);
    }

    static Rule keys(String resource, Permission p) {
      return new Rule(resource, Set.of(HttpMethod.GET), p, true);
    }

    boolean matches(String res, String path, HttpMethod method) {
      boolean keyPath = path.endsWith("/attestation") || path.endsWith("/credentials");
      return resource.equals(res) && (methods == null || methods.contains(method)) && (keys == null || keys == keyPath);
    }
  }
}
