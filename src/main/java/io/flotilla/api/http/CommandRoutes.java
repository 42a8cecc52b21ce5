package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.device.CommandInvocation;
import io.flotilla.domain.device.CommandService;
import io.vertx.core.http.HttpMethod;

/** {@code /devices/{deviceId}[/components/{componentName}]/commands/{commandName}}: run a command, read the latest run. */
public final class CommandRoutes implements ResourceRoutes {
  private final CommandService commands;

  public CommandRoutes(CommandService commands) {
    this.commands = commands;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.POST, "/api/devices/{deviceId}/commands/{commandName}", p, "Devices_RunCommand", 201,
        "Run a command on a device", call -> run(call, null)).alsoAnswers(202);
    t.add(HttpMethod.GET, "/api/devices/{deviceId}/commands/{commandName}", p, "Devices_GetCommandHistory", 200,
        "The latest run of a device command", call -> history(call, null));
    t.add(HttpMethod.POST, "/api/devices/{deviceId}/components/{componentName}/commands/{commandName}", p,
        "Devices_RunComponentCommand", 201, "Run a component command on a device",
        call -> run(call, call.path("componentName"))).alsoAnswers(202);
    t.add(HttpMethod.GET, "/api/devices/{deviceId}/components/{componentName}/commands/{commandName}", p,
        "Devices_GetComponentCommandHistory", 200, "The latest run of a component command",
        call -> history(call, call.path("componentName")));
  }

  private io.vertx.core.Future<Reply> run(Call call, String component) {
    RunRequest r = RunRequest.of(call);
    return commands.run(call.path("deviceId"), component, call.path("commandName"), r.request(), r.connectionTimeout(),
            r.responseTimeout())
        .map(inv -> Reply.of(inv.queued() == null ? 201 : 202, dto(inv)));
  }

  /** A {@code DeviceCommand} request body: the request and the two timeouts (defaults 0 and 30 seconds). */
  record RunRequest(JsonNode request, int connectionTimeout, int responseTimeout) {
    static RunRequest of(Call call) {
      ObjectNode body = call.hasBody() ? call.objectBody() : Json.MAPPER.createObjectNode();
      Integer connection = Fields.optionalInt(body, "connectionTimeout", 0, CommandService.MAX_CONNECTION_TIMEOUT);
      Integer response = Fields.optionalInt(body, "responseTimeout", CommandService.MIN_RESPONSE_TIMEOUT,
          CommandService.MAX_RESPONSE_TIMEOUT);
      return new RunRequest(body.get("request"), connection == null ? 0 : connection,
          response == null ? CommandService.MAX_RESPONSE_TIMEOUT : response);
    }
  }

  private io.vertx.core.Future<Reply> history(Call call, String component) {
    return commands.latest(call.path("deviceId"), component, call.path("commandName")).map(CommandRoutes::history);
  }

  /** The command-history answer: {@code {"value": [latest run]}}, or an empty list. */
  static Reply history(java.util.List<CommandInvocation> list) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    list.forEach(inv -> out.withArray("value").add(dto(inv)));
    if (list.isEmpty()) {
      out.putArray("value");
    }
    return Reply.ok(out);
  }

  /**
   * IoT Central's {@code DeviceCommand}; a durable (queued) command has no response and, as Flotilla extensions,
   * its message's {@code status} ({@code queued}, {@code delivered}, {@code expired}),
   * {@code messageId}, {@code expiresAt} and {@code updated}.
   */
  static ObjectNode dto(CommandInvocation inv) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", inv.id());
    o.put("connectionTimeout", inv.connectionTimeout());
    o.put("responseTimeout", inv.responseTimeout());
    if (inv.request() != null) {
      o.set("request", inv.request());
    }
    if (inv.response() != null) {
      o.set("response", inv.response());
    }
    CommandInvocation.Queued q = inv.queued();
    if (q == null) {
      o.put("responseCode", inv.responseCode());
      return o;
    }
    o.put("status", q.state().wire());
    o.put("messageId", q.messageId());
    o.put("expiresAt", q.expiresAt().toString());
    o.put("updated", q.updatedAt().toString());
    return o;
  }
}
