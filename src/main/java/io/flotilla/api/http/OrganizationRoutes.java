package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.organization.Organization;
import io.flotilla.domain.organization.OrganizationService;
import io.vertx.core.http.HttpMethod;

/**
 * {@code /organizations} (2022-05-31 and later; not under {@code 1.0}). Every role reads the organizations it reaches
 * (an organization-scoped token: its own and those below); writes are the administrators'.
 */
public final class OrganizationRoutes implements ResourceRoutes {
  private static final String ONE = "/api/organizations/{organizationId}";
  private final OrganizationService organizations;

  public OrganizationRoutes(OrganizationService organizations) {
    this.organizations = organizations;
  }

  @Override
  public void register(RouteTable t) {
    t.add(HttpMethod.GET, "/api/organizations", Permission.READ_MODELS, "Organizations_List", 200,
        "List the organizations the caller reaches", call -> {
          since(call);
          return organizations.list(call.scope(), call.page()).map(p -> call.pageReply(p, OrganizationRoutes::dto));
        }).paged();
    t.add(HttpMethod.GET, ONE, Permission.READ_MODELS, "Organizations_Get", 200, "Get an organization", call -> {
      since(call);
      return organizations.get(call.path("organizationId")).map(o -> Reply.ok(dto(o)));
    });
    t.add(HttpMethod.PUT, ONE, Permission.ADMINISTER, "Organizations_Create", 200,
        "Create or replace an organization (parent: another organization; none: a top-level one)", call -> {
          since(call);
          return organizations.put(call.path("organizationId"), definition(call.objectBody()))
              .map(o -> Reply.ok(dto(o)));
        });
    t.add(HttpMethod.PATCH, ONE, Permission.ADMINISTER, "Organizations_Update", 200,
        "Update an organization (merge patch; a new parent moves it with everything below it)", call -> {
          since(call);
          ObjectNode patch = call.objectBody();
          definition(patch); // types checked before anything is read
          return organizations.patch(call.path("organizationId"),
              current -> definition(MergePatch.apply(dto(current), patch))).map(o -> Reply.ok(dto(o)));
        });
    t.add(HttpMethod.DELETE, ONE, Permission.ADMINISTER, "Organizations_Remove", 204,
        "Delete an organization that nothing belongs to any more (else 409)", call -> {
          since(call);
          return organizations.delete(call.path("organizationId")).map(v -> Reply.noContent());
        });
  }

  /** Organizations came with 2022-05-31: under 1.0 the routes do not exist (404, like an unknown route). */
  private static void since(Call call) {
    if (call.version() == ApiVersion.V1_0) {
      throw new FlotillaException.NotFound("Organizations are not part of api-version 1.0; use 2022-05-31 or later.");
    }
  }

  static OrganizationService.Definition definition(ObjectNode body) {
    return new OrganizationService.Definition(Fields.optionalString(body, "displayName"),
        Fields.optionalString(body, "parent"));
  }

  static ObjectNode dto(Organization o) {
    ObjectNode n = Json.MAPPER.createObjectNode().put("id", o.id()).put("displayName", o.displayName());
    if (o.parent() != null) {
      n.put("parent", o.parent());
    }
    return n;
  }
}
