package io.flotilla.api.http;

import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.device.PropertyService;
import io.vertx.core.http.HttpMethod;

/** {@code /devices/{deviceId}/properties} and the component form. */
public final class PropertyRoutes implements ResourceRoutes {
  private static final String ROOT = DeviceRoutes.ONE + "/properties";
  private static final String COMPONENT = DeviceRoutes.ONE + "/components/{componentName}/properties";
  private final PropertyService properties;

  public PropertyRoutes(PropertyService properties) {
    this.properties = properties;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, ROOT, p, "Devices_GetProperties", 200, "Get the device's properties",
        call -> properties.get(call.path("deviceId"), null).map(Reply::ok));
    t.add(HttpMethod.PUT, ROOT, p, "Devices_ReplaceProperties", 202, "Replace the device's writable and cloud properties",
        call -> properties.write(call.path("deviceId"), null, call.objectBody(), true).map(b -> Reply.of(202, b)));
    t.add(HttpMethod.PATCH, ROOT, p, "Devices_UpdateProperties", 202, "Update the device's writable and cloud properties",
        call -> properties.write(call.path("deviceId"), null, call.objectBody(), false).map(b -> Reply.of(202, b)));
    t.add(HttpMethod.GET, COMPONENT, p, "Devices_GetComponentProperties", 200, "Get a component's properties",
        call -> properties.get(call.path("deviceId"), call.path("componentName")).map(Reply::ok));
    t.add(HttpMethod.PUT, COMPONENT, p, "Devices_ReplaceComponentProperties", 202,
        "Replace a component's writable and cloud properties",
        call -> properties.write(call.path("deviceId"), call.path("componentName"), call.objectBody(), true)
            .map(b -> Reply.of(202, b)));
    t.add(HttpMethod.PATCH, COMPONENT, p, "Devices_UpdateComponentProperties", 202,
        "Update a component's writable and cloud properties",
        call -> properties.write(call.path("deviceId"), call.path("componentName"), call.objectBody(), false)
            .map(b -> Reply.of(202, b)));
  }
}
