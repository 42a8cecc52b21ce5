package io.flotilla.gateway.mqtt;

/**
 * Topics the server publishes to devices, shaped for the strictest parser (the Java SDK's): a 3-digit status,
 * {@code ?$rid=} first and {@code &$version=} last, the desired topic carrying only {@code ?$version=}, and C2D bags
 * that start with an encoded system property.
 */
public final class ServerTopics {

  private ServerTopics() {
  }

  /** {@code $iothub/twin/res/{status}/?$rid={rid}}. */
  public static String twinResponse(int status, String rid) {
    return "$iothub/twin/res/" + status(status) + "/?$rid=" + rid(rid);
  }

  /** {@code $iothub/twin/res/{status}/?$rid={rid}&$version={version}}, e.g. after a reported patch. */
  public static String twinResponse(int status, String rid, long version) {
    return twinResponse(status, rid) + "&$version=" + version;
  }

  /** {@code $iothub/twin/PATCH/properties/desired/?$version={version}}. */
  public static String desiredPatch(long version) {
    return "$iothub/twin/PATCH/properties/desired/?$version=" + version;
  }

  /** {@code $iothub/methods/POST/{name}/?$rid={rid}}; the name may hold {@code *} (component commands) but not {@code /}. */
  public static String methodRequest(String name, String rid) {
    if (name == null || name.isEmpty() || containsAny(name, "/+#?\u0000")) {
      throw new IllegalArgumentException("method name cannot be empty or contain / + # ?: " + name);
    }
    return "$iothub/methods/POST/" + name + "/?$rid=" + rid(rid);
  }

  /**
   * {@code devices/{deviceId}/messages/devicebound/{bag}}. Like IoT Hub, adds {@code $.to} when the bag lacks it, so
   * the bag always starts with an encoded system property.
   */
  public static String c2d(String deviceId, PropertyBag properties) {
    PropertyBag bag = properties.get(PropertyBag.TO).isPresent()
        ? properties
        : properties.with(PropertyBag.TO, "/devices/" + deviceId + "/messages/deviceBound");
    return "devices/" + deviceId + "/messages/devicebound/" + bag.encodeForDevice();
  }

  /** {@code $dps/registrations/res/{status}/?$rid={rid}[&retry-after={seconds}]}. */
  public static String dpsResponse(int status, String rid, Integer retryAfterSeconds) {
    String topic = "$dps/registrations/res/" + status(status) + "/?$rid=" + rid(rid);
    return retryAfterSeconds == null ? topic : topic + "&retry-after=" + retryAfterSeconds;
  }

  private static int status(int status) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must have 3 digits: " + status);
    }
    return status;
  }

  private static String rid(String rid) {
    if (rid == null || rid.isEmpty() || containsAny(rid, "&/+#")) {
      throw new IllegalArgumentException("request id cannot be empty or contain & / + #: " + rid);
    }
    return rid;
  }

  private static boolean containsAny(String text, String chars) {
    for (int i = 0; i < chars.length(); i++) {
      if (text.indexOf(chars.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }
}
