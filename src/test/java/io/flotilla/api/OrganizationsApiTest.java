package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Templates;
import io.flotilla.testing.Tokens;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/organizations} (reference §7.4) and the {@code organizations} field of devices, groups and jobs. */
class OrganizationsApiTest extends ServerTest {
  private static String truck;

  @BeforeAll
  static void start() {
    truck = Templates.publishTruck(api, "Org truck");
  }

  private static JsonNode putOrg(String id, String body) {
    return assertOk(api.put("/api/organizations/" + id, body));
  }

  @Test
  void putGetPatchListAndDelete() {
    JsonNode created = putOrg("crud-usa", "{\"displayName\":\"USA\"}");
    assertThat(created.toString()).isEqualTo("{\"id\":\"crud-usa\",\"displayName\":\"USA\"}");
    JsonNode child = putOrg("crud-seattle", "{\"displayName\":\"Seattle\",\"parent\":\"crud-usa\"}");
    assertThat(child.path("parent").asText()).isEqualTo("crud-usa");
    assertThat(assertOk(api.get("/api/organizations/crud-seattle"))).isEqualTo(child);

    JsonNode renamed = assertOk(api.patch("/api/organizations/crud-seattle", "{\"displayName\":\"Seattle WA\"}"));
    assertThat(renamed.path("displayName").asText()).isEqualTo("Seattle WA");
    assertThat(renamed.path("parent").asText()).as("a patch keeps what it does not name").isEqualTo("crud-usa");
    JsonNode topLevel = assertOk(api.patch("/api/organizations/crud-seattle", "{\"parent\":null}"));
    assertThat(topLevel.has("parent")).as("null parent: a top-level organization").isFalse();
    assertOk(api.put("/api/organizations/crud-seattle", "{\"displayName\":\"Seattle\",\"parent\":\"crud-usa\"}"));

    List<String> ids = new ArrayList<>();
    assertOk(api.get("/api/organizations")).path("value").forEach(o -> ids.add(o.path("id").asText()));
    assertThat(ids).contains("crud-usa", "crud-seattle");

    assertError(api.delete("/api/organizations/crud-usa"), 409, "Conflict");
    assertStatus(api.delete("/api/organizations/crud-seattle"), 204);
    assertStatus(api.delete("/api/organizations/crud-usa"), 204);
    assertError(api.get("/api/organizations/crud-usa"), 404, "NotFound");
    assertError(api.delete("/api/organizations/crud-usa"), 404, "NotFound");
    assertError(api.patch("/api/organizations/crud-usa", "{\"displayName\":\"x\"}"), 404, "NotFound");
  }

  @Test
  void listsPageWithNextLink() {
    for (int i = 0; i < 5; i++) {
      putOrg("page-" + i, "{\"displayName\":\"P" + i + "\"}");
    }
    List<String> seen = new ArrayList<>();
    String next = "/api/organizations?api-version=2022-07-31&maxpagesize=2";
    JsonNode page = assertOk(api.getAbs("http://127.0.0.1:" + api.port() + next));
    while (true) {
      page.path("value").forEach(o -> seen.add(o.path("id").asText()));
      if (!page.hasNonNull("nextLink")) {
        break;
      }
      assertThat(page.path("value").size()).isEqualTo(2);
      page = assertOk(api.getAbs(page.path("nextLink").asText()));
    }
    assertThat(seen.stream().filter(s -> s.startsWith("page-"))).containsExactly("page-0", "page-1", "page-2",
        "page-3", "page-4");
    assertThat(seen).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void badRequestsAre400AndChangeNothing() {
    assertBadRequest(api.put("/api/organizations/Upper", "{\"displayName\":\"x\"}"));
    assertBadRequest(api.put("/api/organizations/-lead", "{\"displayName\":\"x\"}"));
    assertBadRequest(api.put("/api/organizations/" + "o".repeat(49), "{\"displayName\":\"x\"}"));
    assertBadRequest(api.put("/api/organizations/nameless", "{}"));
    assertBadRequest(api.put("/api/organizations/nameless", "{\"displayName\":\" \"}"));
    assertBadRequest(api.put("/api/organizations/nameless", "{\"displayName\":5}"));
    assertBadRequest(api.put("/api/organizations/orphan", "{\"displayName\":\"x\",\"parent\":\"nowhere\"}"));
    assertBadRequest(api.put("/api/organizations/orphan", "{\"displayName\":\"x\",\"parent\":7}"));
    assertError(api.get("/api/organizations/orphan"), 404, "NotFound");
    putOrg("bad-a", "{\"displayName\":\"A\"}");
    putOrg("bad-b", "{\"displayName\":\"B\",\"parent\":\"bad-a\"}");
    String why = assertBadRequest(api.patch("/api/organizations/bad-a", "{\"parent\":\"bad-b\"}"));
    assertThat(why).contains("below it");
    assertBadRequest(api.patch("/api/organizations/bad-a", "{\"parent\":\"bad-a\"}"));
    assertThat(assertOk(api.get("/api/organizations/bad-a")).has("parent")).isFalse();
  }

  @Test
  void organizationsAreNotPartOfApiVersion10() {
    putOrg("v10", "{\"displayName\":\"V\"}");
    ApiClient.Response r = api.getAbs("http://127.0.0.1:" + api.port() + "/api/organizations/v10?api-version=1.0");
    assertError(r, 404, "NotFound");
    String device = "/api/devices/v10-device";
    assertOk(api.put(device, "{\"organizations\":[\"v10\"]}"));
    JsonNode v10 = assertOk(api.getAbs("http://127.0.0.1:" + api.port() + device + "?api-version=1.0"));
    assertThat(v10.has("organizations")).isFalse();
    JsonNode ga = assertOk(api.get(device));
    assertThat(ga.path("organizations").toString()).isEqualTo("[\"v10\"]");
    JsonNode list = assertOk(api.getAbs("http://127.0.0.1:" + api.port() + "/api/devices?api-version=1.0"));
    list.path("value").forEach(d -> assertThat(d.has("organizations")).isFalse());
  }

  @Test
  void devicesGroupsJobsAndScheduledJobsTakeOnlyExistingOrganizations() {
    putOrg("field-org", "{\"displayName\":\"Field\"}");
    assertBadRequest(api.put("/api/devices/field-d1", "{\"organizations\":[\"no-such-org\"]}"));
    assertError(api.get("/api/devices/field-d1"), 404, "NotFound");
    assertThat(assertOk(api.put("/api/devices/field-d1", "{\"template\":\"" + truck + "\","
        + "\"organizations\":[\"field-org\"]}")).path("organizations").get(0).asText()).isEqualTo("field-org");
    assertBadRequest(api.patch("/api/devices/field-d1", "{\"organizations\":[\"no-such-org\"]}"));
    assertBadRequest(api.patch("/api/devices/field-d1", "{\"organizations\":[\"field-org\",\"field-org\"]}"));

    String filter = "SELECT * FROM devices WHERE $template = \\\"" + truck + "\\\"";
    assertBadRequest(api.put("/api/deviceGroups/field-g", "{\"displayName\":\"g\",\"filter\":\"" + filter
        + "\",\"organizations\":[\"no-such-org\"]}"));
    assertOk(api.put("/api/deviceGroups/field-g", "{\"displayName\":\"g\",\"filter\":\"" + filter
        + "\",\"organizations\":[\"field-org\"]}"));
    assertBadRequest(api.patch("/api/deviceGroups/field-g", "{\"organizations\":[\"no-such-org\"]}"));

    String job = "{\"group\":\"field-g\",\"organizations\":[\"%s\"],\"data\":[{\"type\":\"cloudProperty\","
        + "\"target\":\"" + truck + "\",\"path\":\"CustomerName\",\"value\":\"x\"}]}";
    assertBadRequest(api.put("/api/jobs/field-j", job.formatted("no-such-org")));
    assertError(api.get("/api/jobs/field-j"), 404, "NotFound");
    assertThat(assertOk(api.put("/api/jobs/field-j", job.formatted("field-org"))).path("organizations").get(0)
        .asText()).isEqualTo("field-org");

    String scheduled = job.substring(0, job.length() - 1) + ",\"displayName\":\"s\","
        + "\"schedule\":{\"start\":\"2031-01-01T00:00:00Z\"}}";
    assertBadRequest(api.put("/api/scheduledJobs/field-s", scheduled.formatted("no-such-org")));
    assertOk(api.put("/api/scheduledJobs/field-s", scheduled.formatted("field-org")));

    assertBadRequest(api.put("/api/apiTokens/field-tok", "{\"roles\":[{\"role\":\"" + Tokens.OPERATOR
        + "\",\"organization\":\"no-such-org\"}]}"));
    assertError(api.get("/api/apiTokens/field-tok"), 404, "NotFound");

    String why = assertError(api.delete("/api/organizations/field-org"), 409, "Conflict");
    assertThat(why).contains("1 devices", "1 device groups", "1 scheduled jobs");
  }

  @Test
  void theOpenApiDocumentListsTheNewOperations() {
    JsonNode paths = assertOk(api.as(null).get("/openapi.json")).path("paths");
    List<String> ids = new ArrayList<>();
    paths.forEach(item -> item.forEach(op -> ids.add(op.path("operationId").asText())));
    assertThat(ids).contains("Organizations_List", "Organizations_Get", "Organizations_Create",
        "Organizations_Update", "Organizations_Remove", "Users_List", "Users_Get", "Users_Create", "Users_Update",
        "Users_Remove");
    assertThat(paths.path("/api/organizations/{organizationId}").path("delete").isObject()).isTrue();
  }

  @Test
  void nonAdministratorsReadButDoNotWriteOrganizations() {
    putOrg("read-org", "{\"displayName\":\"R\"}");
    ApiClient operator = api.as(Tokens.create(api, Tokens.OPERATOR));
    assertOk(operator.get("/api/organizations/read-org"));
    assertError(operator.send(HttpMethod.PUT, "/api/organizations/read-x", "{\"displayName\":\"x\"}",
        "application/json"), 403, "Forbidden");
    assertError(operator.delete("/api/organizations/read-org"), 403, "Forbidden");
  }
}
