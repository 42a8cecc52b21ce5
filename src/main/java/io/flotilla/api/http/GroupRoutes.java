package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.device.GroupMembers;
import io.flotilla.domain.group.DeviceGroup;
import io.flotilla.domain.group.GroupService;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/** {@code /deviceGroups}. */
public final class GroupRoutes implements ResourceRoutes {
  private static final String ONE = "/api/deviceGroups/{deviceGroupId}";
  private final GroupService groups;
  private final GroupMembers members;

  public GroupRoutes(GroupService groups, GroupMembers members) {
    this.groups = groups;
    this.members = members;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, "/api/deviceGroups", p, "DeviceGroups_List", 200, "List device groups",
        call -> groups.select(ListRequest.of(call, GroupService.LIST_FIELDS, "id"), call.scope(), call.page())
            .map(page -> call.pageReply(page, GroupRoutes::dto)))
        .paged().accepts(ListRequest.parameters(GroupService.LIST_FIELDS));
    t.add(HttpMethod.GET, ONE, p, "DeviceGroups_Get", 200, "Get a device group",
        call -> groups.get(call.path("deviceGroupId")).map(g -> Reply.ok(dto(g))));
    t.add(HttpMethod.PUT, ONE, p, "DeviceGroups_Create", 200, "Create or replace a device group",
        call -> groups.put(call.path("deviceGroupId"), definition(call.objectBody()), call.scope()).map(g -> Reply.ok(dto(g))));
    t.add(HttpMethod.PATCH, ONE, p, "DeviceGroups_Update", 200, "Update a device group (merge patch)",
        call -> {
          // RFC 7396 on the wire form: present keys overwrite, null removes (e.g. "description": null).
          ObjectNode patch = call.objectBody();
          GroupService.Definition given = definition(patch);
          return groups.patch(call.path("deviceGroupId"), given.etag(), given.organizations(),
                  current -> definition(MergePatch.apply(dto(current), patch)), call.scope())
              .map(g -> Reply.ok(dto(g)));
        });
    t.add(HttpMethod.DELETE, ONE, p, "DeviceGroups_Remove", 204, "Delete a device group",
        call -> groups.delete(call.path("deviceGroupId")).map(v -> Reply.noContent()));
    t.add(HttpMethod.GET, ONE + "/devices", p, "DeviceGroups_GetDevices", 200,
        "List the devices that match the group's filter now",
        call -> members.list(call.path("deviceGroupId"), call.scope(), call.page())
            .map(page -> call.pageReply(page, DeviceRoutes::dto))).paged();
  }

  static GroupService.Definition definition(ObjectNode body) {
    return new GroupService.Definition(Fields.optionalString(body, "displayName"),
        Fields.optionalString(body, "description"), Fields.optionalString(body, "filter"),
        organizations(body), Fields.optionalString(body, "etag"));
  }

  static List<String> organizations(ObjectNode body) {
    JsonNode n = body.get("organizations");
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray() || n.size() > 1) {
      throw new FlotillaException.Invalid("\"organizations\" must be an array of at most one organization id.");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode o : n) {
      if (!o.isTextual()) {
        throw new FlotillaException.Invalid("\"organizations\" must hold strings.");
      }
      out.add(o.asText());
    }
    return out;
  }

  static void putOrganizations(ObjectNode o, List<String> orgs) {
    if (orgs != null && !orgs.isEmpty()) {
      ArrayNode a = o.putArray("organizations");
      orgs.forEach(a::add);
    }
  }

  static ObjectNode dto(DeviceGroup g) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", g.id());
    o.put("displayName", g.displayName());
    o.put("filter", g.filter().text());
    if (g.description() != null) {
      o.put("description", g.description());
    }
    o.put("etag", g.etag());
    putOrganizations(o, g.organizations());
    return o;
  }
}
