package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.device.TelemetryService;
import io.flotilla.domain.device.TelemetryValue;
import io.vertx.core.http.HttpMethod;

/** {@code /devices/{deviceId}[/components/{componentName}]/telemetry/{telemetryName}}: the latest value. */
public final class TelemetryRoutes implements ResourceRoutes {
  private final TelemetryService telemetry;

  public TelemetryRoutes(TelemetryService telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, "/api/devices/{deviceId}/telemetry/{telemetryName}", p, "Devices_GetTelemetryValue", 200,
        "The latest value of a device telemetry",
        call -> telemetry.latest(call.path("deviceId"), null, call.path("telemetryName")).map(v -> Reply.ok(dto(v))));
    t.add(HttpMethod.GET, "/api/devices/{deviceId}/components/{componentName}/telemetry/{telemetryName}", p,
        "Devices_GetComponentTelemetryValue", 200, "The latest value of a component telemetry",
        call -> telemetry.latest(call.path("deviceId"), call.path("componentName"), call.path("telemetryName"))
            .map(v -> Reply.ok(dto(v))));
  }

  static ObjectNode dto(TelemetryValue v) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("timestamp", v.timestamp().toString());
    o.set("value", v.value());
    return o;
  }
}
