package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.auth.RoleAssignment;
import io.flotilla.domain.auth.User;
import io.flotilla.domain.auth.UserService;
import io.flotilla.domain.auth.UserType;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.MergePatch;
import io.vertx.core.http.HttpMethod;
import java.util.List;

/**
 * {@code /users}: administrators only. Users are stored with their role assignments as IoT Central keeps them, but
 * cannot sign in to a self-hosted server (there is no identity provider); clients authenticate with API tokens.
 */
public final class UserRoutes implements ResourceRoutes {
  private static final String ONE = "/api/users/{userId}";
  private final UserService users;

  public UserRoutes(UserService users) {
    this.users = users;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.ADMINISTER;
    t.add(HttpMethod.GET, "/api/users", p, "Users_List", 200, "List users",
        call -> users.list(call.page()).map(page -> call.pageReply(page, UserRoutes::dto))).paged();
    t.add(HttpMethod.GET, ONE, p, "Users_Get", 200, "Get a user",
        call -> users.get(call.path("userId")).map(u -> Reply.ok(dto(u))));
    t.add(HttpMethod.PUT, ONE, p, "Users_Create", 200,
        "Create or replace a user (type email, servicePrincipal or adGroup, with role assignments)",
        call -> users.put(call.path("userId"), definition(call, call.objectBody())).map(u -> Reply.ok(dto(u))));
    t.add(HttpMethod.PATCH, ONE, p, "Users_Update", 200, "Update a user (merge patch)", call -> {
      ObjectNode patch = call.objectBody();
      List<RoleAssignment> roles = patch.hasNonNull("roles") ? roles(patch) : null;
      return users.patch(call.path("userId"), roles, current -> definition(call, MergePatch.apply(dto(current),
          patch))).map(u -> Reply.ok(dto(u)));
    });
    t.add(HttpMethod.DELETE, ONE, p, "Users_Remove", 204, "Delete a user",
        call -> users.delete(call.path("userId")).map(v -> Reply.noContent()));
  }

  private static UserService.Definition definition(Call call, ObjectNode body) {
    String type = Fields.optionalString(body, "type");
    if (call.version() == ApiVersion.V1_0 && UserType.of(type).orElse(null) == UserType.AD_GROUP) {
      throw new FlotillaException.Invalid("\"adGroup\" users came with api-version 2022-07-31; api-version 1.0 "
          + "knows email and servicePrincipal users.");
    }
    return new UserService.Definition(type, Fields.optionalString(body, "email"),
        Fields.optionalString(body, "tenantId"), Fields.optionalString(body, "objectId"), roles(body));
  }

  private static List<RoleAssignment> roles(ObjectNode body) {
    JsonNode n = body.get("roles");
    if (n == null || n.isNull()) {
      throw new FlotillaException.Invalid("\"roles\" is required: an array of {\"role\": \"<role id>\"}.");
    }
    if (!n.isArray()) {
      throw Fields.wrongType("roles", "an array", n);
    }
    return TokenRoutes.roles((ArrayNode) n);
  }

  static ObjectNode dto(User u) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", u.id());
    o.put("type", u.type().wire());
    if (u.email() != null) {
      o.put("email", u.email());
    }
    if (u.tenantId() != null) {
      o.put("tenantId", u.tenantId());
      o.put("objectId", u.objectId());
    }
    TokenRoutes.putRoles(o, u.roles());
    return o;
  }
}
