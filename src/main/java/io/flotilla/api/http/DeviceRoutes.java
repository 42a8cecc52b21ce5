package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceService;
import io.flotilla.domain.device.FleetQuery;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.group.filter.FilterParser;
import io.vertx.core.Future;
import io.flotilla.domain.template.ComponentCapability;
import io.vertx.core.http.HttpMethod;
import java.util.Optional;

/** {@code /devices}: the device itself, its attestation, credentials and components. */
public final class DeviceRoutes implements ResourceRoutes {
  static final String ONE = "/api/devices/{deviceId}";
  private final DeviceService devices;
  private final FleetQuery fleet;

  public DeviceRoutes(DeviceService devices, FleetQuery fleet) {
    this.devices = devices;
    this.fleet = fleet;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, "/api/devices", p, "Devices_List", 200, "List devices; Flotilla extensions: query (a "
        + "device-group filter), connection (online, offline or any: each device then says whether it is "
        + "\"connected\"), count=true (the body's \"count\" of all matches)", this::list)
        .paged().accepts(ListRequest.parameters(DeviceService.LIST_FIELDS)).accepts(EXPAND)
        .accepts(QueryParameter.always("query", "A device-group filter (SELECT * FROM devices WHERE ...)"),
            QueryParameter.always("connection", "online, offline or any: each device says whether it is connected"),
            QueryParameter.always("count", "true: the body's count of all matches"));
    t.add(HttpMethod.GET, ONE, p, "Devices_Get", 200, "Get a device",
        call -> {
          expand(call);
          return devices.get(call.path("deviceId")).map(d -> Reply.ok(dto(d)));
        }).accepts(EXPAND);
    t.add(HttpMethod.PUT, ONE, p, "Devices_Create", 200, "Create or replace a device",
        call -> {
          expand(call);
          return devices.put(call.path("deviceId"), definition(call.objectBody()), call.scope())
              .map(d -> Reply.ok(dto(d)));
        }).accepts(EXPAND);
    t.add(HttpMethod.PATCH, ONE, p, "Devices_Update", 200,
        "Update a device (merge patch; {\"enabled\": false} blocks it)",
        call -> {
          expand(call);
          // RFC 7396 on the wire form: present keys overwrite, null removes (e.g. "template": null unassigns).
          ObjectNode patch = call.objectBody();
          return devices.patch(call.path("deviceId"), definition(patch),
                  current -> definition(MergePatch.apply(dto(current), patch)), call.scope())
              .map(d -> Reply.ok(dto(d)));
        }).accepts(EXPAND);
    t.add(HttpMethod.DELETE, ONE, p, "Devices_Remove", 204, "Delete a device",
        call -> {
          expand(call);
          return devices.delete(call.path("deviceId")).map(v -> Reply.noContent());
        }).accepts(EXPAND);
    new AttestationRoutes(devices).register(t);
    t.add(HttpMethod.GET, ONE + "/credentials", p, "Devices_GetCredentials", 200, "Get the device's ID scope and keys",
        call -> devices.credentials(call.path("deviceId")).map(c -> {
          ObjectNode o = Json.MAPPER.createObjectNode().put("idScope", c.idScope());
          AttestationRoutes.putKeys(o, c.attestation());
          return Reply.ok(o);
        }));
    t.add(HttpMethod.GET, ONE + "/components", p, "Devices_ListComponents", 200,
        "List the components of the device's template",
        call -> devices.components(call.path("deviceId")).map(list -> call.pageReply(
            new Page<>(list, Optional.empty()), DeviceRoutes::component)));
  }

  /** {@code expand} (2022-10-31-preview): the entities to include with the device. */
  static final QueryParameter EXPAND = QueryParameter.preview("expand",
      "deploymentManifest: include the device's deployment manifest (Flotilla devices have none)");
  private static final java.util.regex.Pattern EXPAND_VALUE = java.util.regex.Pattern.compile("^[a-zA-Z0-9-]{0,255}$");

  /**
   * Checks {@code expand}: the service's pattern ({@code ^[a-zA-Z0-9-]*$}, at most 255) and an entity a device can
   * carry. The only one is {@code deploymentManifest}; Flotilla serves no deployment manifests (edge devices are
   * not supported), so a device never has one and nothing is added to the answer.
   */
  static void expand(Call call) {
    String value = call.query("expand");
    if (value == null || value.isEmpty()) {
      return;
    }
    if (!EXPAND_VALUE.matcher(value).matches()) {
      throw new FlotillaException.Invalid("Invalid expand \"" + value
          + "\": letters, digits and '-' only, at most 255 characters.");
    }
    if (!value.equals("deploymentManifest")) {
      throw new FlotillaException.Invalid("Invalid expand \"" + value + "\": a device can expand deploymentManifest only.");
    }
  }

  private Future<Reply> list(Call call) {
    String text = call.query("query");
    DeviceFilter filter = text == null || text.isBlank() ? null : FilterParser.parse(text);
    String connectionParam = call.query("connection");
    FleetQuery.Connection connection = "any".equals(connectionParam) ? FleetQuery.Connection.ANY
        : FleetQuery.Connection.parse(connectionParam);
    String countParam = call.query("count");
    if (countParam != null && !countParam.equals("true") && !countParam.equals("false")) {
      throw new FlotillaException.Invalid("\"count\" must be true or false.");
    }
    expand(call);
    if (filter == null && connectionParam == null && countParam == null) {
      return devices.select(ListRequest.of(call, DeviceService.LIST_FIELDS, "id"), call.scope(), call.page())
          .map(page -> call.pageReply(page, DeviceRoutes::dto));
    }
    if (!call.scope().whole()) {
      throw new FlotillaException.Invalid("\"query\", \"connection\" and \"count\" (the console's extensions) are "
          + "not available to a token scoped to an organization.");
    }
    if (!ListRequest.of(call, DeviceService.LIST_FIELDS, "id").equals(ListQuery.ALL)) {
      throw new FlotillaException.Invalid("The Flotilla extensions query, connection and count do not combine with "
          + "filter or orderby.");
    }
    Future<Long> count = "true".equals(countParam) ? fleet.count(filter, connection) : Future.succeededFuture(null);
    return fleet.list(filter, connection, call.page()).compose(page -> count.map(n -> {
      Reply reply = call.pageReply(page, l -> connectionParam == null ? dto(l.device())
          : dto(l.device()).put("connected", l.connected()));
      if (n != null) {
        ((ObjectNode) reply.body()).put("count", n);
      }
      return reply;
    }));
  }

  static DeviceService.Definition definition(ObjectNode body) {
    return new DeviceService.Definition(Fields.optionalString(body, "displayName"),
        Fields.optionalString(body, "template"), Fields.optionalBoolean(body, "enabled"),
        Fields.optionalBoolean(body, "simulated"), GroupRoutes.organizations(body),
        Fields.optionalString(body, "etag"));
  }

  static ObjectNode dto(Device d) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", d.id());
    o.put("etag", d.etag());
    o.put("displayName", d.displayName());
    if (d.templateId() != null) {
      o.put("template", d.templateId());
    }
    o.put("simulated", d.simulated());
    o.put("provisioned", d.provisioned());
    o.put("enabled", d.enabled());
    GroupRoutes.putOrganizations(o, d.organizations());
    return o;
  }

  private static ObjectNode component(ComponentCapability c) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("@type", "Component");
    o.put("name", c.name());
    o.put("displayName", c.name());
    return o;
  }

}
