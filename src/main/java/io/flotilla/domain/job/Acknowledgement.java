package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.template.CapabilityPath;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code delivery.confirm}: a device of a property job counts {@code completed} only when its reported properties
 * acknowledge the job's desired version for every property the job writes — the IoT Plug and Play writable-property
 * acknowledgement {@code {"value", "ac", "av", "ad"}} with {@code av} at least the version; an {@code ac} of 400 or
 * more fails the device {@code PropertyRejected} (with the code and {@code ad}).
 */
public final class Acknowledgement {
  private Acknowledgement() {
  }

  /** The device's result if {@code reported} settles it, else empty (not acknowledged yet). */
  public static Optional<DeviceResult> judge(Job job, long seq, String deviceId, long version, ObjectNode reported,
                                             Instant now) {
    Integer code = null;
    for (JobItem item : job.items()) {
      JsonNode ack = at(reported, item.path());
      if (ack == null || !ack.isObject() || !ack.path("av").canConvertToLong() || ack.path("av").asLong() < version) {
        return Optional.empty();
      }
      int ac = ack.path("ac").asInt(200);
      if (ac >= 400) {
        String ad = ack.path("ad").isTextual() ? ack.path("ad").asText() : null;
        return Optional.of(DeviceResult.failed(seq, deviceId, "PropertyRejected", "The device rejected \""
            + item.path() + "\" (ac " + ac + (ad == null ? "" : ": " + ad) + ").", ac, now));
      }
      code = code == null ? ac : Math.max(code, ac);
    }
    return Optional.of(DeviceResult.completed(seq, deviceId, code, now));
  }

  private static JsonNode at(ObjectNode reported, String path) {
    CapabilityPath p = CapabilityPath.parse(path);
    JsonNode scope = p.component() == null ? reported : reported.get(p.component());
    return scope == null ? null : scope.get(p.name());
  }
}
