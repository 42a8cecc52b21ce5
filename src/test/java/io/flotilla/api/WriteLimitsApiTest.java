package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Templates;
import io.flotilla.testing.Tokens;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every length, range and type limit of every write path (PUT and PATCH alike) is checked before the database sees
 * the value: one over the limit is a 400 {@code BadRequest} in the documented shape naming the field, and changes
 * nothing; exactly at the limit is accepted. The limits are the column sizes of the schema (or tighter documented
 * ones), so none of these reaches the database as a "value too long" (which used to answer 500).
 */
class WriteLimitsApiTest extends ServerTest {
  private static final String FILTER = "SELECT * FROM devices WHERE $enabled = true";
  private static String template;
  private static String device;
  private static final String GROUP = "/api/deviceGroups/limits";
  private static final String ENROLLMENT = "/api/enrollmentGroups/limits";
  private static final String SCHEDULED = "/api/scheduledJobs/limits";

  @BeforeAll
  static void resources() {
    template = Templates.publishTruck(api, "Limits truck");
    device = Devices.createTruck(api, "limits", template);
    assertOk(api.put(GROUP, "{\"displayName\":\"Limits\",\"filter\":\"" + FILTER + "\"}"));
    assertOk(api.put(ENROLLMENT, "{\"displayName\":\"Limits\",\"type\":\"iot\",\"attestation\":{\"type\":"
        + "\"symmetricKey\"}}"));
    assertOk(api.put(SCHEDULED, scheduledJob("Limits", "2030-01-01T00:00:00Z")));
  }

  private static String x(int n) {
    return "x".repeat(n);
  }

  private static String quoted(String s) {
    return ApiClient.JSON.getNodeFactory().textNode(s).toString();
  }

  private static String job(String displayName, String description, String group, String value) {
    ObjectNode o = ApiClient.JSON.createObjectNode();
    if (displayName != null) {
      o.put("displayName", displayName);
    }
    if (description != null) {
      o.put("description", description);
    }
    o.put("group", group);
    o.putArray("data").addObject().put("type", "cloudProperty").put("target", template).put("path", "CustomerName")
        .put("value", value);
    return o.toString();
  }

  private static String scheduledJob(String displayName, String start) {
    ObjectNode o = (ObjectNode) read(job(displayName, null, "limits", "Contoso"));
    o.putObject("schedule").put("start", start);
    return o.toString();
  }

  private static JsonNode read(String json) {
    try {
      return ApiClient.JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String d() {
    return "/api/devices/" + device;
  }

  /** Everything the writes below could change, as text. */
  private static Map<String, String> everything() {
    Map<String, String> s = new TreeMap<>();
    for (String path : List.of(d(), d() + "/attestation", d() + "/properties", GROUP, ENROLLMENT, SCHEDULED,
        Templates.path(template), "/api/devices", "/api/deviceGroups", "/api/deviceTemplates", "/api/apiTokens", "/api/enrollmentGroups", "/api/scheduledJobs")) {
      ApiClient.Response r = api.get(path);
      s.put(path, r.status() + " " + r.text());
    }
    return s;
  }

  private record Case(HttpMethod method, String path, String body, String field) {
  }

  @Test
  void oneOverEveryLimitIs400NamingTheFieldAndChangesNothing() {
    String d = d();
    String t = Templates.path(template);
    List<Case> cases = new ArrayList<>();
    for (HttpMethod m : List.of(HttpMethod.PUT, HttpMethod.PATCH)) {
      // devices: displayName <= 148, organizations one id of <= 48 [a-z0-9-], template a template id
      cases.add(new Case(m, d, "{\"displayName\":\"" + x(149) + "\"}", "displayName"));
      cases.add(new Case(m, d, "{\"displayName\":\"" + x(100_000) + "\"}", "displayName"));
      cases.add(new Case(m, d, "{\"organizations\":[\"" + "o".repeat(49) + "\"]}", "organizations"));
      cases.add(new Case(m, d, "{\"organizations\":[\"a,b\"]}", "organizations"));
      cases.add(new Case(m, d, "{\"template\":\"dtmi:x:" + "y".repeat(100_000) + ";1\"}", "template"));
      // device attestation: the document is at most 20,000 characters
      cases.add(new Case(m, d + "/attestation", "{\"type\":\"x509\",\"x509\":{\"clientCertificates\":{\"primary\":"
          + "{\"certificate\":\"" + x(20_000) + "\"}}}}", "attestation"));
      // device groups: displayName <= 1000, description <= 4000, filter <= 4000
      cases.add(new Case(m, GROUP, "{\"displayName\":\"" + x(1001) + "\",\"filter\":\"" + FILTER + "\"}",
          "displayName"));
      cases.add(new Case(m, GROUP, "{\"displayName\":\"" + x(100_000) + "\",\"filter\":\"" + FILTER + "\"}",
          "displayName"));
      cases.add(new Case(m, GROUP, "{\"displayName\":\"g\",\"description\":\"" + x(4001) + "\",\"filter\":\""
          + FILTER + "\"}", "description"));
      cases.add(new Case(m, GROUP, "{\"displayName\":\"g\",\"filter\":"
          + quoted("SELECT * FROM devices WHERE $displayName = \"" + x(4000) + "\"") + "}", "filter"));
      cases.add(new Case(m, GROUP, "{\"displayName\":\"g\",\"filter\":\"" + FILTER + "\",\"organizations\":[\""
          + "o".repeat(49) + "\"]}", "organizations"));
      // device templates: displayName <= 1000, the whole document <= 1,000,000 characters
      cases.add(new Case(m, t, Templates.aRefrigeratedTruck(x(1001)), "displayName"));
      cases.add(new Case(m, t, Templates.aRefrigeratedTruck(x(100_000)), "displayName"));
      ObjectNode big = (ObjectNode) read(Templates.aRefrigeratedTruck("Big"));
      big.put("description", x(1_000_000));
      cases.add(new Case(m, t, big.toString(), "1000000"));
      // enrollment groups: displayName <= 1000, keys Base64 of 16 to 64 bytes
      cases.add(new Case(m, ENROLLMENT, "{\"displayName\":\"" + x(1001) + "\",\"type\":\"iot\",\"attestation\":"
          + "{\"type\":\"symmetricKey\"}}", "displayName"));
      cases.add(new Case(m, ENROLLMENT, "{\"displayName\":\"e\",\"type\":\"iot\",\"attestation\":{\"type\":"
          + "\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + Base64.getEncoder().encodeToString(new byte[151])
          + "\"}}}", "primaryKey"));
      // scheduled jobs: displayName <= 1000, description <= 4000, a start in years 1..9999
      cases.add(new Case(m, SCHEDULED, scheduledJob(x(1001), "2030-01-01T00:00:00Z"), "displayName"));
      cases.add(new Case(m, SCHEDULED, scheduledJob("s", "+10000-01-01T00:00:00Z"), "schedule.start"));
      ObjectNode endDate = (ObjectNode) read(scheduledJob("s", "2030-01-01T00:00:00Z"));
      ((ObjectNode) endDate.get("schedule")).putObject("end").put("type", "date").put("date", "+10000-01-01");
      cases.add(new Case(m, SCHEDULED, endDate.toString(), "schedule.end.date"));
      ObjectNode described = (ObjectNode) read(scheduledJob("s", "2030-01-01T00:00:00Z"));
      described.put("description", x(4001));
      cases.add(new Case(m, SCHEDULED, described.toString(), "description"));
    }
    // device properties: each twin document is at most 1,000,000 characters
    cases.add(new Case(HttpMethod.PATCH, d + "/properties", "{\"CustomerName\":\"" + x(1_000_000) + "\"}",
        "1000000"));
    cases.add(new Case(HttpMethod.PUT, d + "/properties", "{\"CustomerName\":\"" + x(1_000_000) + "\"}",
        "1000000"));
    // commands: a request of at most 128 KiB
    cases.add(new Case(HttpMethod.POST, d + "/commands/reboot", "{\"request\":\"" + x(128 * 1024) + "\"}",
        "request"));
    // jobs: displayName <= 1000, description <= 4000, group a group id, the data <= 1,000,000 characters
    String newJob = "/api/jobs/" + Devices.newId("limit-job");
    cases.add(new Case(HttpMethod.PUT, newJob, job(x(1001), null, "limits", "v"), "displayName"));
    cases.add(new Case(HttpMethod.PUT, newJob, job("j", x(4001), "limits", "v"), "description"));
    cases.add(new Case(HttpMethod.PUT, newJob, job("j", null, x(100_000), "v"), "group"));
    cases.add(new Case(HttpMethod.PUT, newJob, job("j", null, "limits", x(1_000_000)), "1000000"));
    // API tokens: at most 50 role assignments, organizations as above, an expiry before the year 10000
    String token = "/api/apiTokens/" + Tokens.newId("limits");
    StringBuilder many = new StringBuilder("{\"roles\":[");
    for (int i = 0; i < 51; i++) {
      many.append(i == 0 ? "" : ",").append("{\"role\":\"").append(Tokens.OPERATOR).append("\"}");
    }
    cases.add(new Case(HttpMethod.PUT, token, many.append("]}").toString(), "roles"));
    cases.add(new Case(HttpMethod.PUT, token, "{\"roles\":[{\"role\":\"" + Tokens.OPERATOR + "\",\"organization\":\""
        + x(100_000) + "\"}]}", "organization"));
    cases.add(new Case(HttpMethod.PUT, token, "{\"roles\":[{\"role\":\"" + Tokens.OPERATOR
        + "\"}],\"expiry\":\"+300000000-01-01T00:00:00Z\"}", "expiry"));
    cases.add(new Case(HttpMethod.PUT, token, "{\"roles\":[{\"role\":\"" + Tokens.OPERATOR
        + "\"}],\"expiry\":\"+10000-01-01T00:00:00Z\"}", "expiry"));

    Map<String, String> before = everything();
    for (Case c : cases) {
      ApiClient.Response r = api.send(c.method(), c.path(), c.body(),
          c.method() == HttpMethod.PATCH ? "application/merge-patch+json" : "application/json");
      assertThat(r.status()).as("%s %s (%s) -> %s", c.method(), c.path(), c.field(),
          r.text().substring(0, Math.min(300, r.text().length()))).isEqualTo(400);
      assertThat(assertBadRequest(r)).as("%s %s", c.method(), c.path()).contains(c.field());
    }
    assertThat(everything()).isEqualTo(before);
    assertStatus(api.get(newJob), 404);
    assertStatus(api.get(token), 404);
  }

  @Test
  void exactlyAtEveryLimitIsAccepted() {
    String d = d();
    // organizations named must exist (issue 15): one whose id has the most characters allowed
    assertOk(api.put("/api/organizations/" + "o".repeat(48), "{\"displayName\":\"" + x(1000) + "\"}"));
    assertThat(assertOk(api.patch(d, "{\"displayName\":\"" + x(148) + "\",\"organizations\":[\"" + "o".repeat(48)
        + "\"]}")).path("displayName").asText()).hasSize(148);
    assertOk(api.put(GROUP, "{\"displayName\":\"" + x(1000) + "\",\"description\":\"" + x(4000) + "\",\"filter\":"
        + quoted("SELECT * FROM devices WHERE $displayName = \"" + x(4000 - 46) + "\"") + "}"));
    assertOk(api.patch(ENROLLMENT, "{\"displayName\":\"" + x(1000) + "\",\"attestation\":{\"type\":\"symmetricKey\","
        + "\"symmetricKey\":{\"primaryKey\":\"" + Base64.getEncoder().encodeToString(new byte[64]) + "\"}}}"));
    assertOk(api.put(SCHEDULED, scheduledJob(x(1000), "9999-12-31T23:59:59Z")));
    assertOk(api.put("/api/jobs/" + Devices.newId("limit-job"), job(x(1000), x(4000), "limits", "v")));
    assertOk(api.put("/api/apiTokens/" + Tokens.newId("limits"), "{\"roles\":[{\"role\":\"" + Tokens.OPERATOR
        + "\",\"organization\":\"" + "o".repeat(48) + "\"}],\"expiry\":\"9999-12-31T23:59:59Z\"}"));
    assertStatus(api.patch(d + "/properties", "{\"CustomerName\":\"" + x(500_000) + "\"}"), 202);

    // A template named at the limit publishes, and so does its default group (whose name is cut to fit).
    String id = Templates.newId("long");
    assertThat(assertOk(api.put(Templates.path(id), Templates.aRefrigeratedTruck(x(1000)))).path("displayName")
        .asText()).hasSize(1000);
    // So does a template whose id has the most characters allowed (its default group's filter names it).
    String longest = "dtmi:flotilla:" + "a".repeat(2048 - "dtmi:flotilla:;1".length()) + ";1";
    assertOk(api.put(Templates.path(longest), Templates.aRefrigeratedTruck("Longest id")));
    List<JsonNode> groups = new ArrayList<>();
    api.get("/api/deviceGroups").json().path("value").forEach(groups::add);
    assertThat(groups).anyMatch(g -> g.path("displayName").asText().length() == 1000
        && g.path("displayName").asText().endsWith(" - All devices"));
    assertThat(groups).anyMatch(g -> g.path("filter").asText().contains(longest));
  }
}
