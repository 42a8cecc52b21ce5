package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.device.ModuleService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.Optional;

/**
 * {@code /devices/{deviceId}/modules...}: a device's modules and, per module (and module component), its properties,
 * commands and telemetry. Organization scoping comes with {@code deviceId} (as every device route).
 */
public final class ModuleRoutes implements ResourceRoutes {
  private static final String LIST = DeviceRoutes.ONE + "/modules";
  private static final String ONE = LIST + "/{moduleName}";
  private static final String COMPONENT = ONE + "/components/{componentName}";
  private final ModuleService modules;

  public ModuleRoutes(ModuleService modules) {
    this.modules = modules;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, LIST, p, "Devices_ListModules", 200, "List the device's modules",
        call -> modules.list(call.path("deviceId")).map(list -> call.pageReply(new Page<>(list, Optional.empty()),
            ModuleRoutes::module)));
    t.add(HttpMethod.GET, ONE + "/components", p, "Devices_ListModuleComponents", 200,
        "List the components of a module",
        call -> modules.components(call.path("deviceId"), call.path("moduleName"))
            .map(list -> call.pageReply(new Page<>(list, Optional.empty()), ModuleRoutes::component)));
    properties(t, p, ONE, "Module", "a module", null);
    properties(t, p, COMPONENT, "ModuleComponent", "a module component", "componentName");
    commands(t, p, ONE, "Module", "a module", null);
    commands(t, p, COMPONENT, "ModuleComponent", "a module component", "componentName");
    t.add(HttpMethod.GET, ONE + "/telemetry/{telemetryName}", p, "Devices_GetModuleTelemetryValue", 200,
        "The latest value of a module telemetry", call -> telemetry(call, null));
    t.add(HttpMethod.GET, COMPONENT + "/telemetry/{telemetryName}", p, "Devices_GetModuleComponentTelemetryValue",
        200, "The latest value of a module component telemetry", call -> telemetry(call, call.path("componentName")));
  }

  private void properties(RouteTable t, Permission p, String base, String scope, String what, String component) {
    String path = base + "/properties";
    t.add(HttpMethod.GET, path, p, "Devices_Get" + scope + "Properties", 200, "Get the properties of " + what,
        call -> modules.properties(call.path("deviceId"), call.path("moduleName"), optional(call, component))
            .map(Reply::ok));
    t.add(HttpMethod.PUT, path, p, "Devices_Replace" + scope + "Properties", 202,
        "Replace the writable properties of " + what, call -> write(call, component, true));
    t.add(HttpMethod.PATCH, path, p, "Devices_Update" + scope + "Properties", 202,
        "Update the writable properties of " + what, call -> write(call, component, false));
  }

  private void commands(RouteTable t, Permission p, String base, String scope, String what, String component) {
    String path = base + "/commands/{commandName}";
    t.add(HttpMethod.POST, path, p, "Devices_Run" + scope + "Command", 201, "Run a command on " + what,
        call -> run(call, optional(call, component)));
    t.add(HttpMethod.GET, path, p, "Devices_Get" + scope + "CommandHistory", 200,
        "The latest run of a command of " + what,
        call -> modules.latest(call.path("deviceId"), call.path("moduleName"), optional(call, component),
            call.path("commandName")).map(CommandRoutes::history));
  }

  private Future<Reply> write(Call call, String component, boolean replace) {
    return modules.write(call.path("deviceId"), call.path("moduleName"), optional(call, component), call.objectBody(),
        replace).map(b -> Reply.of(202, b));
  }

  private Future<Reply> run(Call call, String component) {
    CommandRoutes.RunRequest r = CommandRoutes.RunRequest.of(call);
    return modules.run(call.path("deviceId"), call.path("moduleName"), component, call.path("commandName"),
            r.request(), r.connectionTimeout(), r.responseTimeout())
        .map(inv -> Reply.of(201, CommandRoutes.dto(inv)));
  }

  private Future<Reply> telemetry(Call call, String component) {
    return modules.telemetry(call.path("deviceId"), call.path("moduleName"), component, call.path("telemetryName"))
        .map(v -> Reply.ok(TelemetryRoutes.dto(v)));
  }

  private static String optional(Call call, String param) {
    return param == null ? null : call.path(param);
  }

  private static ObjectNode module(String name) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.putArray("@type").add("Relationship").add("EdgeModule");
    o.put("name", name);
    o.put("displayName", name);
    return o;
  }

  private static ObjectNode component(String name) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("@type", "Component");
    o.put("name", name);
    o.put("displayName", name);
    return o;
  }
}
