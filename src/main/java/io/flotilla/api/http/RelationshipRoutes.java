package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.device.DeviceRelationship;
import io.flotilla.domain.device.RelationshipService;
import io.vertx.core.http.HttpMethod;

/** {@code /devices/{deviceId}/relationships} (reference 5.7): a device's upstream and direct downstream links. */
public final class RelationshipRoutes implements ResourceRoutes {
  private static final String ALL = DeviceRoutes.ONE + "/relationships";
  private static final String ONE = ALL + "/{relationshipId}";
  private final RelationshipService relationships;

  public RelationshipRoutes(RelationshipService relationships) {
    this.relationships = relationships;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, ALL, p, "Devices_ListRelationships", 200,
        "List the device's relationships (its parent's and its direct children's)",
        call -> relationships.list(call.path("deviceId"), call.page())
            .map(page -> call.pageReply(page, RelationshipRoutes::dto))).paged();
    t.add(HttpMethod.GET, ONE, p, "Devices_GetRelationship", 200, "Get a relationship of the device",
        call -> relationships.get(call.path("deviceId"), call.path("relationshipId")).map(r -> Reply.ok(dto(r))));
    t.add(HttpMethod.PUT, ONE, p, "Devices_CreateRelationship", 200,
        "Create or replace a relationship (source defaults to the device)",
        call -> relationships.put(call.path("deviceId"), call.path("relationshipId"), definition(call.objectBody()),
            call.scope()).map(r -> Reply.ok(dto(r))));
    t.add(HttpMethod.PATCH, ONE, p, "Devices_UpdateRelationship", 200, "Update a relationship (merge patch)",
        call -> {
          ObjectNode patch = call.objectBody();
          return relationships.patch(call.path("deviceId"), call.path("relationshipId"),
              current -> definition(MergePatch.apply(dto(current), patch)), call.scope()).map(r -> Reply.ok(dto(r)));
        });
    t.add(HttpMethod.DELETE, ONE, p, "Devices_RemoveRelationship", 204,
        "Delete a relationship (from either of its devices)",
        call -> relationships.delete(call.path("deviceId"), call.path("relationshipId")).map(v -> Reply.noContent()));
  }

  /** {@code id} is read-only (the path's); {@code source} and {@code target} are device ids. */
  private static RelationshipService.Definition definition(ObjectNode body) {
    return new RelationshipService.Definition(Fields.optionalString(body, "source"),
        Fields.optionalString(body, "target"));
  }

  static ObjectNode dto(DeviceRelationship r) {
    return Json.MAPPER.createObjectNode().put("id", r.id()).put("source", r.source()).put("target", r.target());
  }
}
