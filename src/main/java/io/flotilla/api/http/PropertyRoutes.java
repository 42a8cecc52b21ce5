package io.flotilla.api.http;

import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.PropertyService;
import io.vertx.core.http.HttpMethod;

/** {@code /devices/{deviceId}/properties} and the component form. */
public final class PropertyRoutes implements ResourceRoutes {
  private static final String ROOT = DeviceRoutes.ONE + "/properties";
  private static final String COMPONENT = DeviceRoutes.ONE + "/components/{componentName}/properties";
  /** {@code unmodeled} (2022-10-31-preview, default false): properties the device's template does not define. */
  static final QueryParameter UNMODELED = QueryParameter.preview("unmodeled",
      "true: read (GET) or write (PUT, PATCH) properties the device's template does not define too");
  private final PropertyService properties;

  public PropertyRoutes(PropertyService properties) {
    this.properties = properties;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, ROOT, p, "Devices_GetProperties", 200, "Get the device's properties",
        call -> properties.get(call.path("deviceId"), null, readsUnmodeled(call)).map(Reply::ok))
        .accepts(UNMODELED);
    t.add(HttpMethod.PUT, ROOT, p, "Devices_ReplaceProperties", 202, "Replace the device's writable and cloud properties",
        call -> properties.write(call.path("deviceId"), null, call.objectBody(), true, unmodeled(call))
            .map(b -> Reply.of(202, b)))
        .accepts(UNMODELED);
    t.add(HttpMethod.PATCH, ROOT, p, "Devices_UpdateProperties", 202, "Update the device's writable and cloud properties",
        call -> properties.write(call.path("deviceId"), null, call.objectBody(), false, unmodeled(call))
            .map(b -> Reply.of(202, b)))
        .accepts(UNMODELED);
    t.add(HttpMethod.GET, COMPONENT, p, "Devices_GetComponentProperties", 200, "Get a component's properties",
        call -> properties.get(call.path("deviceId"), call.path("componentName"), readsUnmodeled(call))
            .map(Reply::ok))
        .accepts(UNMODELED);
    t.add(HttpMethod.PUT, COMPONENT, p, "Devices_ReplaceComponentProperties", 202,
        "Replace a component's writable and cloud properties",
        call -> properties.write(call.path("deviceId"), call.path("componentName"), call.objectBody(), true,
                unmodeled(call))
            .map(b -> Reply.of(202, b)))
        .accepts(UNMODELED);
    t.add(HttpMethod.PATCH, COMPONENT, p, "Devices_UpdateComponentProperties", 202,
        "Update a component's writable and cloud properties",
        call -> properties.write(call.path("deviceId"), call.path("componentName"), call.objectBody(), false,
                unmodeled(call))
            .map(b -> Reply.of(202, b)))
        .accepts(UNMODELED);
  }

  /** {@code unmodeled}: {@code true} or {@code false} (default); anything else is a 400. */
  static boolean unmodeled(Call call) {
    String v = call.query("unmodeled");
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw new FlotillaException.Invalid("Invalid unmodeled \"" + v + "\": expected true or false.");
  }

  /**
   * Whether a GET includes unmodeled properties: under 2022-10-31-preview as {@code unmodeled} says (default
   * false, as documented); the other versions have no such parameter and keep Flotilla's answer with every property.
   */
  private static boolean readsUnmodeled(Call call) {
    return call.version() != ApiVersion.V2022_10_31_PREVIEW || unmodeled(call);
  }
}
