package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.ApiToken;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.auth.Role;
import io.flotilla.domain.auth.RoleAssignment;
import io.flotilla.domain.auth.TokenService;
import io.flotilla.domain.common.FlotillaException;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/** {@code /apiTokens}: administrators only. */
public final class TokenRoutes implements ResourceRoutes {
  private final TokenService tokens;

  public TokenRoutes(TokenService tokens) {
    this.tokens = tokens;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.ADMINISTER;
    t.add(HttpMethod.GET, "/api/apiTokens", p, "ApiTokens_List", 200, "List API tokens (secrets never shown)",
        call -> tokens.list(call.page()).map(page -> call.pageReply(page, TokenRoutes::dto))).paged();
    t.add(HttpMethod.GET, "/api/apiTokens/{tokenId}", p, "ApiTokens_Get", 200, "Get an API token",
        call -> tokens.get(call.path("tokenId")).map(tok -> Reply.ok(dto(tok))));
    t.add(HttpMethod.PUT, "/api/apiTokens/{tokenId}", p, "ApiTokens_Create", 200,
        "Create an API token; the token string is returned this once", call -> {
          ObjectNode body = call.objectBody();
          List<RoleAssignment> roles = roles(Fields.requiredArray(body, "roles"));
          return tokens.create(call.path("tokenId"), roles, Fields.optionalInstant(body, "expiry"))
              .map(issued -> Reply.ok(dto(issued.token()).put("token", issued.headerValue())));
        });
    t.add(HttpMethod.DELETE, "/api/apiTokens/{tokenId}", p, "ApiTokens_Remove", 204, "Revoke an API token",
        call -> tokens.delete(call.path("tokenId")).map(v -> Reply.noContent()));
  }

  static List<RoleAssignment> roles(ArrayNode array) {
    List<RoleAssignment> out = new ArrayList<>();
    for (JsonNode n : array) {
      if (!n.isObject()) {
        throw new FlotillaException.Invalid("Each entry of \"roles\" must be an object like {\"role\": \"<role id>\"}.");
      }
      String roleId = Fields.requiredString((ObjectNode) n, "role");
      Role role = Role.byId(roleId).orElseThrow(() -> new FlotillaException.Invalid(
          "Unknown role \"" + roleId + "\"; GET /api/roles lists the roles."));
      out.add(new RoleAssignment(role, Fields.optionalString((ObjectNode) n, "organization")));
    }
    return out;
  }

  static ObjectNode dto(ApiToken t) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", t.id());
    putRoles(o, t.roles());
    o.put("expiry", t.expiry().toString());
    return o;
  }

  /** {@code roles}: {@code [{"role": "<id>", "organization"?: "<id>"}]}, for tokens and users. */
  static void putRoles(ObjectNode o, List<RoleAssignment> assignments) {
    ArrayNode roles = o.putArray("roles");
    for (RoleAssignment r : assignments) {
      ObjectNode ro = roles.addObject().put("role", r.role().id());
      if (r.organization() != null) {
        ro.put("organization", r.organization());
      }
    }
  }
}
