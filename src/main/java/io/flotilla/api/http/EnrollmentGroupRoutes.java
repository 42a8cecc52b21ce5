package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.provisioning.EnrollmentGroup;
import io.flotilla.domain.provisioning.EnrollmentService;
import io.vertx.core.http.HttpMethod;

/** {@code /enrollmentGroups}: symmetric-key enrollment groups (they hold keys, hence {@code BUILD_MODELS}). */
public final class EnrollmentGroupRoutes implements ResourceRoutes {
  private final EnrollmentService groups;

  public EnrollmentGroupRoutes(EnrollmentService groups) {
    this.groups = groups;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.BUILD_MODELS;
    t.add(HttpMethod.GET, "/api/enrollmentGroups", p, "EnrollmentGroups_List", 200, "List enrollment groups",
        call -> groups.list(call.page()).map(page -> call.pageReply(page, EnrollmentGroupRoutes::dto))).paged();
    t.add(HttpMethod.GET, "/api/enrollmentGroups/{enrollmentGroupId}", p, "EnrollmentGroups_Get", 200,
        "Get an enrollment group", call -> groups.get(call.path("enrollmentGroupId")).map(g -> Reply.ok(dto(g))));
    t.add(HttpMethod.PUT, "/api/enrollmentGroups/{enrollmentGroupId}", p, "EnrollmentGroups_Create", 200,
        "Create or replace an enrollment group", call -> groups.put(call.path("enrollmentGroupId"),
            definition(call.objectBody(), true)).map(g -> Reply.ok(dto(g))));
    t.add(HttpMethod.PATCH, "/api/enrollmentGroups/{enrollmentGroupId}", p, "EnrollmentGroups_Update", 200,
        "Update an enrollment group (merge patch)", call -> groups.patch(call.path("enrollmentGroupId"),
            definition(call.objectBody(), false)).map(g -> Reply.ok(dto(g))));
    t.add(HttpMethod.DELETE, "/api/enrollmentGroups/{enrollmentGroupId}", p, "EnrollmentGroups_Remove", 204,
        "Delete an enrollment group", call -> groups.delete(call.path("enrollmentGroupId")).map(v -> Reply.noContent()));
  }

  private static EnrollmentService.Definition definition(ObjectNode body, boolean full) {
    ObjectNode attestation = full ? Fields.requiredObject(body, "attestation") : Fields.optionalObject(body, "attestation");
    String primary = null;
    String secondary = null;
    if (attestation != null) {
      String type = Fields.requiredString(attestation, "type");
      if (!type.equals("symmetricKey")) {
        throw new FlotillaException.Invalid("Only \"symmetricKey\" attestation is supported for enrollment groups.");
      }
      ObjectNode keys = Fields.optionalObject(attestation, "symmetricKey");
      if (keys != null) {
        primary = Fields.optionalString(keys, "primaryKey");
        secondary = Fields.optionalString(keys, "secondaryKey");
      }
    }
    return new EnrollmentService.Definition(
        full ? Fields.requiredString(body, "displayName") : Fields.optionalString(body, "displayName"),
        Fields.optionalBoolean(body, "enabled"),
        full ? Fields.requiredString(body, "type") : Fields.optionalString(body, "type"),
        primary, secondary, Fields.optionalString(body, "etag"));
  }

  static ObjectNode dto(EnrollmentGroup g) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", g.id());
    o.put("displayName", g.displayName());
    o.put("enabled", g.enabled());
    o.put("type", g.type());
    o.putObject("attestation").put("type", "symmetricKey").putObject("symmetricKey")
        .put("primaryKey", g.primaryKey()).put("secondaryKey", g.secondaryKey());
    o.put("etag", g.etag());
    return o;
  }
}
