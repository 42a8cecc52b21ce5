package io.flotilla.domain.device;

import io.flotilla.domain.common.FlotillaException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A module identity of a device (an IoT Hub module). Its {@link #key()} {@code {deviceId}/{moduleId}} (the MQTT
 * ClientId of its connection) names its live session wherever a device id names a device's: device ids never hold
 * {@code /}, so the two never collide.
 */
public record ModuleId(String deviceId, String moduleId) {
  /** IoT Hub's module ids: up to 128 of ASCII letters, digits and {@code - . + % _ # * ? ! ( ) , : = @ $ '}. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}");

  /** The session key {@code {deviceId}/{moduleId}}. */
  public String key() {
    return deviceId + "/" + moduleId;
  }

  /** Whether a session key names a module (rather than a device). */
  public static boolean isKey(String sessionKey) {
    return sessionKey.indexOf('/') >= 0;
  }

  /** The module a session key names, if it names one. */
  public static Optional<ModuleId> ofKey(String sessionKey) {
    int slash = sessionKey.indexOf('/');
    return slash < 0 ? Optional.empty()
        : Optional.of(new ModuleId(sessionKey.substring(0, slash), sessionKey.substring(slash + 1)));
  }

  /** Whether {@code moduleId} is a valid module id. */
  public static boolean valid(String moduleId) {
    return moduleId != null && ID.matcher(moduleId).matches();
  }

  /** The module, or {@code NotFound} when {@code moduleId} cannot name one (so a malformed name is like an unknown one). */
  public static ModuleId of(String deviceId, String moduleId) {
    if (!valid(moduleId)) {
      throw notFound(deviceId, moduleId);
    }
    return new ModuleId(deviceId, moduleId);
  }

  static FlotillaException.NotFound notFound(String deviceId, String moduleId) {
    return new FlotillaException.NotFound("Module \"" + moduleId + "\" of device \"" + deviceId + "\" not found.");
  }
}
