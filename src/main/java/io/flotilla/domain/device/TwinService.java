package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.MergePatch;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;

/** The device's side of its twin: what a device reads, and its reported-property patches. */
public final class TwinService implements TwinAccess {
  private final DeviceRepository devices;
  private final Clock clock;
  private final ExportEvents exports;
  private volatile ReportedListener listener = ReportedListener.NONE;

  public TwinService(DeviceRepository devices, Clock clock) {
    this(devices, clock, ExportEvents.NONE);
  }

  /** @param exports told about every reported patch once it is stored (data export of properties) */
  public TwinService(DeviceRepository devices, Clock clock, ExportEvents exports) {
    this.devices = devices;
    this.clock = clock;
    this.exports = exports;
  }

  /** Who is told of reported changes (the job engine, for acknowledgements of confirmed property jobs). */
  public void listen(ReportedListener listener) {
    this.listener = listener;
  }

  /**
   * {@code {"desired":{...,"$version":n},"reported":{...,"$version":m}}}, as a device's twin GET answers it. Fails with
   * {@code NotFound} for an unknown device.
   */
  @Override
  public Future<ObjectNode> deviceView(String deviceId) {
    return devices.twin(deviceId).map(found -> view(found.orElseThrow(() -> DeviceService.notFound(deviceId))));
  }

  /** The twin as its device (or module) reads it. */
  static ObjectNode view(Twin twin) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("desired", twin.desired().deepCopy().put("$version", twin.desiredVersion()));
    out.set("reported", twin.reported().deepCopy().put("$version", twin.reportedVersion()));
    return out;
  }

  /**
   * Merges a reported patch ({@code null} members delete, objects merge) and answers the new reported
   * {@code $version}. Fails with {@code NotFound} for an unknown device.
   */
  @Override
  public Future<Long> patchReported(String deviceId, ObjectNode patch) {
    ObjectNode clean = reportedPatch(patch);
    java.time.Instant at = clock.instant();
    String now = at.toString();
    return devices.updateTwin(deviceId, twin -> withReported(twin, clean, now)).map(t -> {
      Twin twin = t.orElseThrow(() -> DeviceService.notFound(deviceId));
      listener.reported(deviceId, twin.reported());
      if (exports.wants(ExportSource.PROPERTIES)) {
        exports.reportedProperties(deviceId, clean, at);
      }
      return twin.reportedVersion();
    });
  }

  /** A device's reported patch without the members it may not set ({@code $version}, {@code $metadata}). */
  static ObjectNode reportedPatch(ObjectNode patch) {
    ObjectNode clean = patch.deepCopy();
    clean.remove("$version");
    clean.remove("$metadata");
    return clean;
  }

  /** The twin with a (clean) reported patch merged in, stamped {@code now}, at the next reported version. */
  static Twin withReported(Twin twin, ObjectNode clean, String now) {
    ObjectNode meta = twin.reportedMetadata().deepCopy();
    stamp(meta, clean, now);
    return new Twin(twin.desired(), twin.desiredVersion(), twin.desiredMetadata(),
        MergePatch.apply(twin.reported(), clean), twin.reportedVersion() + 1, meta, twin.cloud(), twin.cloudMetadata());
  }

  /** Sets {@code lastUpdateTime} for each patched property; members of a component ({@code "__t":"c"}) by path. */
  private static void stamp(ObjectNode meta, ObjectNode patch, String now) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isObject() && v.has(PropertyView.COMPONENT_MARKER)) {
        v.fields().forEachRemaining(c -> {
          if (!c.getKey().equals(PropertyView.COMPONENT_MARKER)) {
            set(meta, e.getKey() + "." + c.getKey(), c.getValue(), now);
          }
        });
      } else {
        set(meta, e.getKey(), v, now);
      }
    }
  }

  private static void set(ObjectNode meta, String path, JsonNode value, String now) {
    if (value.isNull()) {
      meta.remove(path);
    } else {
      meta.putObject(path).put("lastUpdateTime", now);
    }
  }
}
