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
import java.util.function.Supplier;

/**
 * {@code /roles}: the built-in roles, read-only. The organization roles (Org Admin, Org Operator, Org Viewer) are
 * listed, as in IoT Central, once organizations exist, and never under api-version 1.0 (which has no organizations).
 */
public final class RoleRoutes implements ResourceRoutes {
  private final Supplier<Future<Boolean>> organizationsExist;

  /** @param organizationsExist whether the application has an organization (Future of true / false) */
  public RoleRoutes(Supplier<Future<Boolean>> organizationsExist) {
    this.organizationsExist = organizationsExist;
  }

  @Override
  public void register(RouteTable t) {
    t.add(HttpMethod.GET, "/api/roles", Permission.READ_MODELS, "Roles_List", 200, "List roles",
        call -> visible(call).map(roles -> {
          PageRequest page = call.page();
          List<Role> rows = roles.stream().sorted(Comparator.comparing(Role::id))
              .filter(r -> page.after() == null || r.id().compareTo(page.after()) > 0)
              .limit(page.limit() + 1L).toList();
          return call.pageReply(Page.of(rows, page.limit(), Role::id), RoleRoutes::dto);
        })).paged();
    t.add(HttpMethod.GET, "/api/roles/{roleId}", Permission.READ_MODELS, "Roles_Get", 200, "Get a role",
        call -> visible(call).map(roles -> roles.stream().filter(r -> r.id().equalsIgnoreCase(call.path("roleId")))
            .findFirst().map(r -> Reply.ok(dto(r))).orElseThrow(() -> new FlotillaException.NotFound(
                "Role \"" + call.path("roleId") + "\" not found."))));
  }

  private Future<List<Role>> visible(Call call) {
    List<Role> all = Arrays.asList(Role.values());
    if (call.version() == ApiVersion.V1_0) {
      return Future.succeededFuture(all.stream().filter(r -> !r.organizational()).toList());
    }
    return organizationsExist.get().map(exist -> exist ? all
        : all.stream().filter(r -> !r.organizational()).toList());
  }

  private static ObjectNode dto(Role r) {
    return Json.MAPPER.createObjectNode().put("id", r.id()).put("displayName", r.displayName());
  }
}
