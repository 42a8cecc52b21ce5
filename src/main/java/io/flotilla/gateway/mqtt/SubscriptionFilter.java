package io.flotilla.gateway.mqtt;

/**
 * A topic filter a device subscribes to. IoT Hub accepts only these exact filters (wildcards cannot narrow them).
 *
 * @param deviceId the device the filter names ({@code {deviceId}/{moduleId}} for a module), {@code null} for filters
 *     that name none
 */
public record SubscriptionFilter(Kind kind, String deviceId) {

  public enum Kind {
    /** {@code devices/{deviceId}/messages/devicebound/#} (a module's: {@code devices/{d}/modules/{m}/...}). */
    C2D_MESSAGES,
    /** {@code $iothub/twin/res/#}. */
    TWIN_RESPONSES,
    /** {@code $iothub/twin/PATCH/properties/desired/#}. */
    DESIRED_PATCHES,
    /** {@code $iothub/methods/POST/#}. */
    METHOD_REQUESTS,
    /** {@code $dps/registrations/res/#}. */
    DPS_RESPONSES,
    UNKNOWN
  }

  private static final String C2D_PREFIX = "devices/";
  private static final String C2D_SUFFIX = "/messages/devicebound/#";

  public static SubscriptionFilter parse(String filter) {
    switch (filter) {
      case "$iothub/twin/res/#":
        return new SubscriptionFilter(Kind.TWIN_RESPONSES, null);
      case "$iothub/twin/PATCH/properties/desired/#":
        return new SubscriptionFilter(Kind.DESIRED_PATCHES, null);
      case "$iothub/methods/POST/#":
        return new SubscriptionFilter(Kind.METHOD_REQUESTS, null);
      case "$dps/registrations/res/#":
        return new SubscriptionFilter(Kind.DPS_RESPONSES, null);
      default:
        break;
    }
    if (filter.startsWith(C2D_PREFIX) && filter.endsWith(C2D_SUFFIX)) {
      String id = filter.substring(C2D_PREFIX.length(), filter.length() - C2D_SUFFIX.length());
      if (!id.isEmpty() && id.indexOf('/') < 0 && id.indexOf('+') < 0 && id.indexOf('#') < 0) {
        return new SubscriptionFilter(Kind.C2D_MESSAGES, id);
      }
      // a module's ({@code devices/{d}/modules/{m}/messages/devicebound/#}; the SDK's ModuleClient subscribes at open)
      String[] module = id.split("/", -1);
      if (module.length == 3 && module[1].equals("modules") && !module[0].isEmpty() && !module[2].isEmpty()
          && id.indexOf('+') < 0 && id.indexOf('#') < 0) {
        return new SubscriptionFilter(Kind.C2D_MESSAGES, module[0] + "/" + module[2]);
      }
    }
    return new SubscriptionFilter(Kind.UNKNOWN, null);
  }

  /** False when the filter names another device, and for {@link Kind#UNKNOWN}. */
  public boolean ownedBy(String id) {
    return kind != Kind.UNKNOWN && (deviceId == null || deviceId.equals(id));
  }
}
