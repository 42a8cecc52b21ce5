package io.flotilla.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.auth.Role;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ApiClient.Response;
import io.flotilla.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The organization roles (reference 7.3): listed once organizations exist (never under 1.0), assigned only within an
 * organization, and granting what IoT Central grants them there. The role x route matrix is RoleMatrixTest's.
 */
class OrgRolesApiTest {
  static TestServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String> roleNames(String query) {
    List<String> names = new ArrayList<>();
    for (JsonNode r : api.get("/api/roles" + query).json().path("value")) {
      names.add(r.path("displayName").asText());
    }
    return names;
  }

  @Test
  void organizationRolesAppearOnceOrganizationsExistAndCanOnlyBeAssignedWithOne() {
    // one server for the class: this test owns the "before any organization" state, so it runs every step itself
    assertThat(roleNames("")).containsExactlyInAnyOrder("Administrator", "Builder", "Operator");
    assertThat(api.get("/api/roles/" + Role.ORG_VIEWER.id()).status()).isEqualTo(404);

    assertThat(api.put("/api/organizations/or-west", "{\"displayName\":\"West\"}").status()).isEqualTo(200);
    assertThat(roleNames("")).containsExactlyInAnyOrder("Administrator", "Builder", "Operator", "Org Admin",
        "Org Operator", "Org Viewer");
    assertThat(api.get("/api/roles/" + Role.ORG_ADMIN.id()).json().path("displayName").asText())
        .isEqualTo("Org Admin");
    assertThat(api.get("/api/roles/" + Role.ORG_OPERATOR.id()).json().path("displayName").asText())
        .isEqualTo("Org Operator");
    assertThat(roleNames("?api-version=1.0")).containsExactlyInAnyOrder("Administrator", "Builder", "Operator");
    assertThat(api.get("/api/roles/" + Role.ORG_VIEWER.id() + "?api-version=1.0").status()).isEqualTo(404);

    Response noOrg = api.put("/api/apiTokens/or-viewer-no-org", "{\"roles\":[{\"role\":\"" + Role.ORG_VIEWER.id()
        + "\"}]}");
    assertThat(noOrg.status()).isEqualTo(400);
    assertThat(noOrg.json().path("error").path("message").asText()).contains("roles.organization", "Org Viewer");
    assertThat(api.put("/api/users/or-user-1", "{\"type\":\"email\",\"email\":\"a@example.com\",\"roles\":[{\"role\":"
        + "\"" + Role.ORG_ADMIN.id() + "\"}]}").status()).isEqualTo(400);
    assertThat(api.put("/api/users/or-user-1", "{\"type\":\"email\",\"email\":\"a@example.com\",\"roles\":[{\"role\":"
        + "\"" + Role.ORG_ADMIN.id() + "\",\"organization\":\"or-west\"}]}").status()).isEqualTo(200);

    String viewer = token("or-viewer", Role.ORG_VIEWER);
    String operator = token("or-operator", Role.ORG_OPERATOR);
    String admin = token("or-admin", Role.ORG_ADMIN);
    assertThat(api.put("/api/devices/or-d1", "{\"organizations\":[\"or-west\"]}").status()).isEqualTo(200);
    assertThat(api.put("/api/devices/or-root", "{}").status()).isEqualTo(200);

    // Org Viewer: reads its organization's devices, nothing else, and never a device's keys
    ApiClient v = api.as(viewer);
    assertThat(v.get("/api/devices").json().path("value")).extracting(d -> d.path("id").asText())
        .containsExactly("or-d1");
    assertThat(v.get("/api/devices/or-d1").status()).isEqualTo(200);
    assertThat(v.get("/api/devices/or-root").status()).isEqualTo(404);
    assertThat(v.get("/api/devices/or-d1/attestation").status()).isEqualTo(403);
    assertThat(v.get("/api/devices/or-d1/credentials").status()).isEqualTo(403);
    assertThat(v.patch("/api/devices/or-d1", "{\"displayName\":\"x\"}").status()).isEqualTo(403);
    assertThat(v.put("/api/devices/or-d2", "{}").status()).isEqualTo(403);
    assertThat(v.get("/api/jobs").status()).isEqualTo(200);
    assertThat(v.get("/api/organizations").status()).isEqualTo(200);

    // Org Operator and Org Admin: manage the organization's devices (created there by default), no tokens/groups
    for (String header : List.of(operator, admin)) {
      ApiClient c = api.as(header);
      String id = header.equals(operator) ? "or-d3" : "or-d4";
      Response created = c.put("/api/devices/" + id, "{\"displayName\":\"new\"}");
      assertThat(created.status()).as(created.text()).isEqualTo(200);
      assertThat(created.json().path("organizations").get(0).asText()).isEqualTo("or-west");
      assertThat(c.get("/api/devices/" + id + "/credentials").status()).isEqualTo(200);
      assertThat(c.get("/api/devices/or-root").status()).isEqualTo(404);
      assertThat(c.get("/api/apiTokens").status()).isEqualTo(403);
      assertThat(c.get("/api/enrollmentGroups").status()).isEqualTo(403);
      assertThat(c.put("/api/deviceTemplates/dtmi:x:y;1", "{}").status()).isEqualTo(403);
    }
  }

  private static String token(String id, Role role) {
    Response r = api.put("/api/apiTokens/" + id, "{\"roles\":[{\"role\":\"" + role.id()
        + "\",\"organization\":\"or-west\"}]}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().path("token").asText();
  }
}
