package io.flotilla.gateway.mqtt;

import java.util.Map;
import java.util.OptionalLong;

/**
 * A topic a device publishes to. Request ids and operation ids are kept exactly as sent, so that echoing them back
 * matches byte for byte what the device compares.
 */
public sealed interface DeviceTopic {

  /**
   * Whether the topic may be used by {@code deviceId}: false when it names another device (the gateway then closes the
   * connection) and for {@link Unknown}; true for topics that name no device.
   */
  default boolean ownedBy(String deviceId) {
    return true;
  }

  /**
   * {@code devices/{deviceId}/messages/events/[{property-bag}]}, or a module's
   * {@code devices/{deviceId}/modules/{moduleId}/messages/events/[{property-bag}]}.
   *
   * @param deviceId whose session may publish it: the device id, or {@code {deviceId}/{moduleId}} for a module
   */
  record TelemetryTopic(String deviceId, PropertyBag properties) implements DeviceTopic {
    @Override
    public boolean ownedBy(String id) {
      return deviceId.equals(id);
    }
  }

  /** {@code $iothub/twin/GET/?$rid={rid}}. */
  record TwinGet(String rid) implements DeviceTopic {
  }

  /** {@code $iothub/twin/PATCH/properties/reported/?$rid={rid}[&$version={v}]}. */
  record TwinReportedPatch(String rid, OptionalLong version) implements DeviceTopic {
  }

  /** {@code $iothub/methods/res/{status}/?$rid={rid}}. */
  record MethodResponse(int status, String rid) implements DeviceTopic {
  }

  /** {@code $dps/registrations/PUT/iotdps-register/?$rid={rid}}. */
  record DpsRegister(String rid) implements DeviceTopic {
  }

  /** {@code $dps/registrations/GET/iotdps-get-operationstatus/?$rid={rid}&operationId={operationId}}. */
  record DpsPollStatus(String rid, String operationId) implements DeviceTopic {
  }

  /** Anything else, including a documented topic with a missing or unreadable parameter or a rid holding {@code /}. */
  record Unknown(String topic) implements DeviceTopic {
    @Override
    public boolean ownedBy(String deviceId) {
      return false;
    }
  }

  static DeviceTopic parse(String topic) {
    if (topic.startsWith("devices/")) {
      return telemetry(topic);
    }
    int q = topic.indexOf("/?");
    if (q < 0) {
      return new Unknown(topic);
    }
    String path = topic.substring(0, q);
    Map<String, String> params = QueryString.raw(topic.substring(q + 2));
    String rid = params.get("$rid");
    if (rid == null || rid.isEmpty() || rid.indexOf('/') >= 0) {
      return new Unknown(topic);
    }
    switch (path) {
      case "$iothub/twin/GET":
        return new TwinGet(rid);
      case "$iothub/twin/PATCH/properties/reported":
        return reportedPatch(topic, rid, params.get("$version"));
      case "$dps/registrations/PUT/iotdps-register":
        return new DpsRegister(rid);
      case "$dps/registrations/GET/iotdps-get-operationstatus":
        String operationId = params.get("operationId");
        return operationId == null || operationId.isEmpty() ? new Unknown(topic) : new DpsPollStatus(rid, operationId);
      default:
        return methodResponse(topic, path, rid);
    }
  }

  private static DeviceTopic telemetry(String topic) {
    String[] module = topic.split("/", 7);
    if (module.length >= 6 && module[2].equals("modules")) {
      boolean shaped = !module[1].isEmpty() && !module[3].isEmpty() && module[4].equals("messages")
          && module[5].equals("events");
      return shaped ? new TelemetryTopic(module[1] + "/" + module[3],
          module.length == 7 ? PropertyBag.parse(module[6]) : PropertyBag.EMPTY) : new Unknown(topic);
    }
    String[] parts = topic.split("/", 5);
    boolean shaped = parts.length >= 4 && !parts[1].isEmpty() && parts[2].equals("messages")
        && parts[3].equals("events");
    if (!shaped) {
      return new Unknown(topic);
    }
    return new TelemetryTopic(parts[1], parts.length == 5 ? PropertyBag.parse(parts[4]) : PropertyBag.EMPTY);
  }

  private static DeviceTopic reportedPatch(String topic, String rid, String version) {
    if (version == null) {
      return new TwinReportedPatch(rid, OptionalLong.empty());
    }
    try {
      return new TwinReportedPatch(rid, OptionalLong.of(Long.parseLong(version)));
    } catch (NumberFormatException e) {
      return new Unknown(topic);
    }
  }

  private static DeviceTopic methodResponse(String topic, String path, String rid) {
    String prefix = "$iothub/methods/res/";
    if (!path.startsWith(prefix)) {
      return new Unknown(topic);
    }
    try {
      return new MethodResponse(Integer.parseInt(path.substring(prefix.length())), rid);
    } catch (NumberFormatException e) {
      return new Unknown(topic);
    }
  }
}
