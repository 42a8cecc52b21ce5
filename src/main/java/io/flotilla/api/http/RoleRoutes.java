package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.auth.Role;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.flotilla.domain.common.PageRequest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** {@code /roles}: the built-in roles, read-only. */
public final class RoleRoutes implements ResourceRoutes {
  @Override
  public void register(RouteTable t) {
    t.add(HttpMethod.GET, "/api/roles", Permission.READ_MODELS, "Roles_List", 200, "List roles",
        call -> {
          PageRequest page = call.page();
          List<Role> rows = Arrays.stream(Role.values()).sorted(Comparator.comparing(Role::id))
              .filter(r -> page.after() == null || r.id().compareTo(page.after()) > 0)
              .limit(page.limit() + 1L).toList();
          return Future.succeededFuture(call.pageReply(Page.of(rows, page.limit(), Role::id), RoleRoutes::dto));
        }).paged();
    t.add(HttpMethod.GET, "/api/roles/{roleId}", Permission.READ_MODELS, "Roles_Get", 200, "Get a role",
        call -> {
          Role role = Role.byId(call.path("roleId")).orElseThrow(() -> new FlotillaException.NotFound(
              "Role \"" + call.path("roleId") + "\" not found."));
          return Future.succeededFuture(Reply.ok(dto(role)));
        });
  }

  private static ObjectNode dto(Role r) {
    return Json.MAPPER.createObjectNode().put("id", r.id()).put("displayName", r.displayName());
  }
}
