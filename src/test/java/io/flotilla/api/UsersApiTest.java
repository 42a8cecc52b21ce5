package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Tokens;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /api/users} (reference §7.2): email, service-principal and AD-group users with role assignments. */
class UsersApiTest extends ServerTest {
  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  private static final String OBJECT = "0c3b9a9e-1f1a-4b8e-9a55-3c1f1b2d0e11";

  private static String roles(String role) {
    return "\"roles\":[{\"role\":\"" + role + "\"}]";
  }

  @Test
  void emailServicePrincipalAndAdGroupUsersRoundTrip() {
    JsonNode email = assertOk(api.put("/api/users/user-001", "{\"type\":\"email\"," + roles(Tokens.OPERATOR)
        + ",\"email\":\"user5@contoso.com\"}"));
    assertThat(email.toString()).isEqualTo("{\"id\":\"user-001\",\"type\":\"email\",\"email\":\"user5@contoso.com\","
        + "\"roles\":[{\"role\":\"" + Tokens.OPERATOR + "\"}]}");
    JsonNode sp = assertOk(api.put("/api/users/sp_1", "{\"type\":\"servicePrincipal\"," + roles(Tokens.BUILDER)
        + ",\"tenantId\":\"" + TENANT + "\",\"objectId\":\"" + OBJECT + "\"}"));
    assertThat(sp.path("tenantId").asText()).isEqualTo(TENANT);
    assertThat(sp.path("objectId").asText()).isEqualTo(OBJECT);
    assertThat(sp.has("email")).isFalse();
    JsonNode group = assertOk(api.put("/api/users/group-1", "{\"type\":\"adGroup\"," + roles(Tokens.ADMINISTRATOR)
        + ",\"tenantId\":\"" + TENANT + "\",\"objectId\":\"" + OBJECT + "\"}"));
    assertThat(group.path("type").asText()).as("same tenant and object as a service principal: another type")
        .isEqualTo("adGroup");
    assertThat(assertOk(api.get("/api/users/sp_1"))).isEqualTo(sp);
    JsonNode legacy = assertOk(api.put("/api/users/legacy", "{\"type\":\"EmailUser\"," + roles(Tokens.OPERATOR)
        + ",\"email\":\"legacy@contoso.com\"}"));
    assertThat(legacy.path("type").asText()).isEqualTo("email");

    List<String> ids = new ArrayList<>();
    assertOk(api.get("/api/users")).path("value").forEach(u -> ids.add(u.path("id").asText()));
    assertThat(ids).contains("group-1", "legacy", "sp_1", "user-001");

    JsonNode patched = assertOk(api.patch("/api/users/user-001", "{" + roles(Tokens.BUILDER) + "}"));
    assertThat(patched.path("roles").get(0).path("role").asText()).isEqualTo(Tokens.BUILDER);
    assertThat(patched.path("email").asText()).isEqualTo("user5@contoso.com");
    assertStatus(api.delete("/api/users/legacy"), 204);
    assertError(api.get("/api/users/legacy"), 404, "NotFound");
    assertError(api.delete("/api/users/legacy"), 404, "NotFound");
    assertError(api.patch("/api/users/legacy", "{\"email\":\"x@y.com\"}"), 404, "NotFound");
  }

  @Test
  void emailsAndPrincipalsAreUnique() {
    assertOk(api.put("/api/users/uniq-1", "{\"type\":\"email\"," + roles(Tokens.OPERATOR)
        + ",\"email\":\"Same@Contoso.com\"}"));
    assertError(api.put("/api/users/uniq-2", "{\"type\":\"email\"," + roles(Tokens.OPERATOR)
        + ",\"email\":\"same@contoso.com\"}"), 409, "Conflict");
    assertError(api.get("/api/users/uniq-2"), 404, "NotFound");
    assertOk(api.put("/api/users/uniq-1", "{\"type\":\"email\"," + roles(Tokens.BUILDER)
        + ",\"email\":\"same@contoso.com\"}"));
  }

  @Test
  void invalidUsersAre400() {
    String ok = "{\"type\":\"email\"," + roles(Tokens.OPERATOR) + ",\"email\":\"a@contoso.com\"}";
    assertBadRequest(api.put("/api/users/has%20space", ok));
    assertBadRequest(api.put("/api/users/" + "u".repeat(49), ok));
    assertBadRequest(api.put("/api/users/bad", "{\"type\":\"email\"," + roles(Tokens.OPERATOR) + "}"));
    assertBadRequest(api.put("/api/users/bad", "{\"type\":\"email\"," + roles(Tokens.OPERATOR)
        + ",\"email\":\"not-an-address\"}"));
    assertBadRequest(api.put("/api/users/bad", "{\"type\":\"robot\"," + roles(Tokens.OPERATOR) + "}"));
    assertBadRequest(api.put("/api/users/bad", "{\"email\":\"a@contoso.com\"," + roles(Tokens.OPERATOR) + "}"));
    assertBadRequest(api.put("/api/users/bad", "{\"type\":\"email\",\"email\":\"a@contoso.com\"}"));
    assertBadRequest(api.put("/api/users/bad", "{\"type\":\"email\",\"roles\":[],\"email\":\"a@contoso.com\"}"));
    assertBadRequest(api.put("/api/users/bad", "{\"type\":\"email\",\"roles\":[{\"role\":\"nope\"}],"
        + "\"email\":\"a@contoso.com\"}"));
    assertBadRequest(api.put("/api/users/bad", "{\"type\":\"servicePrincipal\"," + roles(Tokens.OPERATOR)
        + ",\"tenantId\":\"" + TENANT + "\",\"objectId\":\"not-a-guid\"}"));
    assertBadRequest(api.put("/api/users/bad", "{\"type\":\"servicePrincipal\"," + roles(Tokens.OPERATOR)
        + ",\"tenantId\":\"" + TENANT + "\"}"));
    assertBadRequest(api.put("/api/users/bad", "{\"type\":\"email\",\"roles\":[{\"role\":\"" + Tokens.OPERATOR
        + "\",\"organization\":\"no-such-org\"}],\"email\":\"a@contoso.com\"}"));
    // adGroup users came with 2022-07-31; api-version 1.0 knows only email and servicePrincipal users
    assertBadRequest(api.sendAbs(io.vertx.core.http.HttpMethod.PUT, "http://127.0.0.1:" + api.port()
        + "/api/users/bad?api-version=1.0", "{\"type\":\"adGroup\"," + roles(Tokens.OPERATOR) + ",\"tenantId\":\""
        + TENANT + "\",\"objectId\":\"" + OBJECT + "\"}", "application/json", java.util.Map.of()));
    assertError(api.get("/api/users/bad"), 404, "NotFound");
  }

  @Test
  void roleAssignmentsMayNameAnOrganizationAndKeepItFromBeingDeleted() {
    assertOk(api.put("/api/organizations/users-org", "{\"displayName\":\"U\"}"));
    JsonNode u = assertOk(api.put("/api/users/org-user", "{\"type\":\"email\",\"roles\":[{\"role\":\""
        + Tokens.OPERATOR + "\",\"organization\":\"users-org\"}],\"email\":\"org@contoso.com\"}"));
    assertThat(u.path("roles").get(0).path("organization").asText()).isEqualTo("users-org");
    assertThat(assertError(api.delete("/api/organizations/users-org"), 409, "Conflict")).contains("1 users");
    assertStatus(api.delete("/api/users/org-user"), 204);
    assertStatus(api.delete("/api/organizations/users-org"), 204);
  }

  @Test
  void onlyAdministratorsManageUsers() {
    ApiClient builder = api.as(Tokens.create(api, Tokens.BUILDER));
    assertError(builder.get("/api/users"), 403, "Forbidden");
  }
}
