package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Templates;
import io.flotilla.testing.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An API token whose role assignment names an organization sees and changes only the devices, groups and jobs of that
 * organization and those below it, and its jobs touch no other device, whatever their group's filter matches.
 * Hierarchy: west > seattle; east. Devices: w1 (west), s1 (seattle), e1 (east), r1 (the root).
 */
class OrganizationScopeApiTest extends ServerTest {
  private static String truck;
  private static ApiClient west;

  @BeforeAll
  static void start() {
    truck = Templates.publishTruck(api, "Scoped truck");
    assertOk(api.put("/api/organizations/west", "{\"displayName\":\"West\"}"));
    assertOk(api.put("/api/organizations/seattle", "{\"displayName\":\"Seattle\",\"parent\":\"west\"}"));
    assertOk(api.put("/api/organizations/east", "{\"displayName\":\"East\"}"));
    device("w1", "west");
    device("s1", "seattle");
    device("e1", "east");
    device("r1", null);
    west = api.as(token("west-operator", Tokens.OPERATOR, "west"));
  }

  private static void device(String id, String org) {
    assertOk(api.put("/api/devices/" + id, "{\"template\":\"" + truck + "\""
        + (org == null ? "" : ",\"organizations\":[\"" + org + "\"]") + "}"));
  }

  private static String token(String id, String role, String... orgs) {
    StringBuilder roles = new StringBuilder();
    for (String org : orgs) {
      roles.append(roles.length() == 0 ? "" : ",").append("{\"role\":\"").append(role)
          .append("\",\"organization\":\"").append(org).append("\"}");
    }
    JsonNode r = assertOk(api.put("/api/apiTokens/" + id, "{\"roles\":[" + roles + "]}"));
    assertThat(r.path("roles").get(0).path("organization").asText()).isEqualTo(orgs[0]);
    return r.path("token").asText();
  }

  private static List<String> ids(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.path("value").forEach(n -> out.add(n.path("id").asText()));
    return out;
  }

  @Test
  void listsAndReadsShowOnlyTheOrganizationAndBelow() {
    assertThat(ids(assertOk(west.get("/api/devices")))).containsExactly("s1", "w1");
    assertThat(ids(assertOk(api.get("/api/devices")))).contains("e1", "r1", "s1", "w1");
    assertOk(west.get("/api/devices/s1"));
    for (String outside : List.of("e1", "r1")) {
      assertError(west.get("/api/devices/" + outside), 404, "NotFound");
      assertError(west.get("/api/devices/" + outside + "/properties"), 404, "NotFound");
      assertError(west.get("/api/devices/" + outside + "/attestation"), 404, "NotFound");
      assertError(west.patch("/api/devices/" + outside, "{\"displayName\":\"mine\"}"), 404, "NotFound");
      assertError(west.put("/api/devices/" + outside, "{\"displayName\":\"mine\"}"), 404, "NotFound");
      assertError(west.delete("/api/devices/" + outside), 404, "NotFound");
      assertThat(assertOk(api.get("/api/devices/" + outside)).path("displayName").asText()).isEqualTo(outside);
    }
    assertThat(ids(assertOk(west.get("/api/organizations")))).containsExactly("seattle", "west");
    assertError(west.get("/api/organizations/east"), 404, "NotFound");
    assertOk(west.get("/api/organizations/seattle"));
    // application-wide areas need an assignment without an organization
    assertError(west.get("/api/apiTokens"), 403, "Forbidden");
    ApiClient westAdmin = api.as(token("west-admin", Tokens.ADMINISTRATOR, "west"));
    assertError(westAdmin.get("/api/apiTokens"), 403, "Forbidden");
    assertError(westAdmin.put("/api/organizations/west-sub", "{\"displayName\":\"x\",\"parent\":\"west\"}"), 403,
        "Forbidden");
    assertOk(westAdmin.get("/api/devices/w1"));
  }

  /** Every id of a list, following nextLinks with {@code client}. */
  private static List<String> allIds(ApiClient client, String first) {
    List<String> out = new ArrayList<>();
    JsonNode page = assertOk(client.get(first));
    while (true) {
      out.addAll(ids(page));
      if (!page.hasNonNull("nextLink")) {
        return out;
      }
      page = assertOk(client.getAbs(page.path("nextLink").asText()));
    }
  }

  @Test
  void filteredAndOrderedPagesStayInsideTheOrganization() {
    String preview = "?api-version=2022-10-31-preview&maxpagesize=1&";
    String byTruck = "filter=" + java.net.URLEncoder.encode("template eq '" + truck + "'",
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(allIds(west, "/api/devices" + preview + byTruck + "&orderby=displayName%20desc"))
        .containsExactly("w1", "s1");
    assertThat(allIds(west, "/api/devices" + preview + byTruck + "&orderby=id")).containsExactly("s1", "w1");
    assertThat(allIds(api, "/api/devices" + preview + byTruck + "&orderby=id")).contains("e1", "r1", "s1", "w1");
    assertThat(allIds(west, "/api/devices" + preview + "filter=scopes%20eq%20'east'")).isEmpty();
    assertThat(allIds(api, "/api/devices" + preview + "filter=scopes%20eq%20'east'")).containsExactly("e1");
    assertThat(allIds(west, "/api/devices" + preview + "filter=scopes%20ne%20'west'")).containsExactly("s1");
    String group = "{\"displayName\":\"paged\",\"filter\":\"SELECT * FROM devices\"%s}";
    assertOk(west.put("/api/deviceGroups/west-paged", group.formatted("")));
    assertOk(api.put("/api/deviceGroups/east-paged", group.formatted(",\"organizations\":[\"east\"]")));
    assertThat(allIds(west, "/api/deviceGroups" + preview + "orderby=displayName%20desc")).contains("west-paged")
        .doesNotContain("east-paged").allMatch(g -> g.startsWith("west-"));
    assertThat(allIds(west, "/api/deviceGroups" + preview + "filter=scopes%20eq%20'east'")).isEmpty();
    assertThat(allIds(api, "/api/deviceGroups" + preview + "filter=scopes%20eq%20'east'")).contains("east-paged");
    // the console's extensions stay closed to organization-scoped tokens
    assertThat(assertBadRequest(west.get("/api/devices?connection=any"))).contains("organization");
    assertThat(assertBadRequest(west.get("/api/devices?count=true"))).contains("organization");
  }

  @Test
  void writesStayInsideTheOrganization() {
    JsonNode created = assertOk(west.put("/api/devices/w-new", "{\"displayName\":\"new\"}"));
    assertThat(created.path("organizations").toString()).as("none given: the token's organization")
        .isEqualTo("[\"west\"]");
    assertBadRequest(west.put("/api/devices/w-east", "{\"organizations\":[\"east\"]}"));
    assertBadRequest(west.put("/api/devices/w-root", "{\"organizations\":[]}"));
    assertError(api.get("/api/devices/w-east"), 404, "NotFound");
    assertThat(assertOk(west.patch("/api/devices/w-new", "{\"organizations\":[\"seattle\"]}"))
        .path("organizations").get(0).asText()).isEqualTo("seattle");
    assertBadRequest(west.patch("/api/devices/w-new", "{\"organizations\":[\"east\"]}"));
    assertBadRequest(west.patch("/api/devices/w-new", "{\"organizations\":null}"));
    assertThat(assertOk(api.get("/api/devices/w-new")).path("organizations").get(0).asText()).isEqualTo("seattle");
    assertStatus(west.delete("/api/devices/w-new"), 204);

    ApiClient both = api.as(token("west-east", Tokens.OPERATOR, "west", "east"));
    assertThat(assertBadRequest(both.put("/api/devices/two-orgs", "{}"))).contains("several organizations");
    assertThat(ids(assertOk(both.get("/api/devices")))).containsExactly("e1", "s1", "w1");
  }

  @Test
  void groupsAndJobsOfOtherOrganizationsAreInvisible() {
    String all = "{\"displayName\":\"%s\",\"filter\":\"SELECT * FROM devices\"%s}";
    assertOk(api.put("/api/deviceGroups/root-all", all.formatted("root", "")));
    assertOk(api.put("/api/deviceGroups/east-all", all.formatted("east", ",\"organizations\":[\"east\"]")));
    JsonNode mine = assertOk(west.put("/api/deviceGroups/west-all", all.formatted("west", "")));
    assertThat(mine.path("organizations").get(0).asText()).isEqualTo("west");
    assertThat(ids(assertOk(west.get("/api/deviceGroups")))).contains("west-all")
        .doesNotContain("root-all", "east-all").allMatch(g -> g.startsWith("west-"));
    assertError(west.get("/api/deviceGroups/east-all"), 404, "NotFound");
    assertError(west.get("/api/deviceGroups/root-all/devices"), 404, "NotFound");
    assertThat(ids(assertOk(west.get("/api/deviceGroups/west-all/devices")))).containsExactly("s1", "w1");
    assertThat(ids(assertOk(api.get("/api/deviceGroups/west-all/devices")))).contains("e1", "r1", "s1", "w1");

    // a job on a group the token does not reach: that group does not exist for it
    assertBadRequest(west.put("/api/jobs/west-on-root", cloudJob("root-all", "")));
    assertOk(api.put("/api/jobs/east-job", cloudJob("east-all", "")));
    assertError(west.get("/api/jobs/east-job"), 404, "NotFound");
    assertError(west.get("/api/jobs/east-job/devices"), 404, "NotFound");
    assertError(west.post("/api/jobs/east-job/stop", null), 404, "NotFound");
    assertThat(ids(assertOk(west.get("/api/jobs")))).doesNotContain("east-job");
  }

  @Test
  void aJobOfAnOrganizationTouchesOnlyItsDevicesEvenWhenTheGroupMatchesAll() {
    String all = "{\"displayName\":\"everything\",\"filter\":\"SELECT * FROM devices\"}";
    assertOk(west.put("/api/deviceGroups/west-everything", all));
    JsonNode job = assertOk(west.put("/api/jobs/west-temp", propertyJob("west-everything", 17.5)));
    assertThat(job.path("organizations").toString()).isEqualTo("[\"west\"]");
    JsonNode done = awaitFinal(west, "west-temp");
    assertThat(done.path("status").asText()).isEqualTo("complete");
    assertThat(done.path("progress").path("total").asInt()).isEqualTo(2);
    List<String> touched = new ArrayList<>();
    assertOk(west.get("/api/jobs/west-temp/devices")).path("value").forEach(d -> {
      touched.add(d.path("id").asText());
      assertThat(d.path("status").asText()).isEqualTo("completed");
    });
    assertThat(touched).containsExactlyInAnyOrder("s1", "w1");
    assertThat(desired("w1")).isEqualTo(17.5);
    assertThat(desired("s1")).isEqualTo(17.5);
    assertThat(desired("e1")).as("east is not west's").isNull();
    assertThat(desired("r1")).as("nor is the root").isNull();

    // the same holds for an administrator's job that names an organization, over a group of the root
    assertOk(api.put("/api/deviceGroups/root-everything", all));
    assertOk(api.put("/api/jobs/seattle-temp", propertyJob("root-everything", 3.0).replace("\"group\"",
        "\"organizations\":[\"seattle\"],\"group\"")));
    assertThat(awaitFinal(api, "seattle-temp").path("progress").path("total").asInt()).isEqualTo(1);
    assertThat(desired("s1")).isEqualTo(3.0);
    assertThat(desired("w1")).isEqualTo(17.5);
    assertThat(desired("e1")).isNull();

    // a dry run counts what the job would touch
    JsonNode dry = assertOk(west.put("/api/jobs/west-dry?dryRun=true", propertyJob("west-everything", 1.0)));
    assertThat(dry.path("dryRun").path("total").asInt()).isEqualTo(2);
  }

  private static Double desired(String device) {
    JsonNode meta = assertOk(api.get("/api/devices/" + device + "/properties")).path("$metadata")
        .path("TargetTemperature");
    return meta.has("desiredValue") ? meta.path("desiredValue").asDouble() : null;
  }

  private static String propertyJob(String group, double value) {
    return "{\"group\":\"" + group + "\",\"data\":[{\"type\":\"property\",\"target\":\"" + truck
        + "\",\"path\":\"TargetTemperature\",\"value\":" + value + "}]}";
  }

  private static String cloudJob(String group, String extra) {
    return "{\"group\":\"" + group + "\"" + extra + ",\"data\":[{\"type\":\"cloudProperty\",\"target\":\"" + truck
        + "\",\"path\":\"CustomerName\",\"value\":\"x\"}]}";
  }

  private static JsonNode awaitFinal(ApiClient client, String jobId) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      last[0] = assertOk(client.get("/api/jobs/" + jobId));
      return !List.of("pending", "running").contains(last[0].path("status").asText());
    });
    return last[0];
  }
}
