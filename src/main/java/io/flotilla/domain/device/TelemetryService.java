package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.template.DeviceTemplate;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The latest telemetry values. Devices' messages only touch memory ({@link #record}); changed values reach the
 * repository in batches when {@link #flush} runs (the caller schedules it, e.g. every second).
 */
public final class TelemetryService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Key(String deviceId, String component, String name) {
  }

  private final DeviceRepository devices;
  private final TemplateService templates;
  private final TelemetryRepository repository;
  /**
   * At most this many last values wait for a flush. While the database is out of reach flushes fail and values
   * accumulate: a value of a name already waiting replaces it, a new name beyond the bound is dropped (and counted).
   */
  public static final int MAX_UNSAVED = 200_000;

  private final Map<Key, TelemetryValue> unsaved = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
  private final AtomicBoolean flushing = new AtomicBoolean();
  private final ExportEvents exports;
  private final TelemetryArchive archive;

  public TelemetryService(DeviceRepository devices, TemplateService templates, TelemetryRepository repository) {
    this(devices, templates, repository, ExportEvents.NONE, TelemetryArchive.NONE);
  }

  /**
   * @param exports told about every message (data export of telemetry)
   * @param archive keeps every message (the telemetry history)
   */
  public TelemetryService(DeviceRepository devices, TemplateService templates, TelemetryRepository repository,
                          ExportEvents exports, TelemetryArchive archive) {
    this.devices = devices;
    this.templates = templates;
    this.repository = repository;
    this.exports = exports;
    this.archive = archive;
  }

  /**
   * Takes one telemetry message: every member of a JSON object body is a telemetry value of {@code component}
   * (null: root). Answers how many values it held; a body that is not a JSON object holds none. Never blocks.
   */
  public int record(String deviceId, String component, byte[] body, Instant timestamp) {
    return receive(deviceId, component, body, timestamp, false).count();
  }

  /** What {@link #receive} did with a message: how many values it held, and when the archive accepted it. */
  public record Received(int count, Future<Void> archived) {
  }

  /**
   * Takes one telemetry message as {@link #record} does and hands its values to the archive; {@code mayWait}: the
   * sender waits for {@link Received#archived} (a QoS 1 PUBACK) rather than have the message dropped when the archive
   * is full. Never blocks.
   */
  public Received receive(String deviceId, String component, byte[] body, Instant timestamp, boolean mayWait) {
    JsonNode doc;
    try {
      doc = JSON.readTree(body);
    } catch (java.io.IOException | RuntimeException e) {
      return new Received(0, Future.succeededFuture());
    }
    if (doc == null || !doc.isObject()) {
      return new Received(0, Future.succeededFuture());
    }
    int count = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("$")) {
        continue;
      }
      Key key = new Key(deviceId, component, e.getKey());
      if (unsaved.size() >= MAX_UNSAVED && !unsaved.containsKey(key)) {
        dropped.incrementAndGet();
        continue;
      }
      unsaved.put(key, new TelemetryValue(deviceId, component, e.getKey(), timestamp, e.getValue()));
      count++;
    }
    if (count > 0 && exports.wants(ExportSource.TELEMETRY)) {
      ObjectNode values = ((ObjectNode) doc).deepCopy();
      values.properties().removeIf(e -> e.getKey().startsWith("$"));
      exports.telemetry(deviceId, component, values, timestamp);
    }
    if (count == 0) {
      return new Received(0, Future.succeededFuture());
    }
    ObjectNode values = (ObjectNode) doc;
    if (count < values.size()) {
      values = values.deepCopy();
      values.properties().removeIf(e -> e.getKey().startsWith("$"));
    }
    return new Received(count, archive.store(deviceId, component, values, timestamp, mayWait));
  }

  /** Writes the values changed since the last flush in one batch; overlapping calls do nothing. */
  public Future<Void> flush() {
    if (unsaved.isEmpty() || !flushing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    List<Map.Entry<Key, TelemetryValue>> batch = new ArrayList<>(unsaved.entrySet());
    List<TelemetryValue> values = batch.stream().map(Map.Entry::getValue).toList();
    return repository.saveLatest(values)
        .onSuccess(v -> batch.forEach(e -> unsaved.remove(e.getKey(), e.getValue())))
        .onComplete(ar -> flushing.set(false));
  }

  /** Values dropped because {@link #MAX_UNSAVED} were waiting for a flush already. */
  public long droppedCount() {
    return dropped.get();
  }

  /** Values waiting for the next flush. */
  public int unsavedCount() {
    return unsaved.size();
  }

  /**
   * The latest value. Fails with {@code NotFound} for an unknown device or when no value arrived yet, and with
   * {@code Invalid} when the device's template has no such telemetry (or component).
   */
  public Future<TelemetryValue> latest(String deviceId, String component, String name) {
    return devices.find(deviceId).compose(found -> {
      Device device = found.orElseThrow(() -> DeviceService.notFound(deviceId));
      return device.templateId() == null ? Future.succeededFuture(Optional.<DeviceTemplate>empty())
          : templates.find(device.templateId());
    }).compose(template -> {
      template.ifPresent(t -> {
        if (component != null && t.model().component(component).isEmpty()) {
          throw new FlotillaException.NotFound("Component \"" + component + "\" is not in the device's template.");
        }
        if (t.model().telemetry(component, name).isEmpty()) {
          throw new FlotillaException.Invalid("Telemetry \"" + PropertyView.path(component, name)
              + "\" is not in the device's template.");
        }
      });
      return stored(deviceId, component, name).map(v -> v.orElseThrow(() ->
          new FlotillaException.NotFound("No value of telemetry \"" + PropertyView.path(component, name)
              + "\" has been received from device \"" + deviceId + "\".")));
    });
  }

  /** The latest value received (waiting for a flush or stored), without any check. */
  public Future<Optional<TelemetryValue>> stored(String deviceId, String component, String name) {
    TelemetryValue pending = unsaved.get(new Key(deviceId, component, name));
    if (pending != null) {
      return Future.succeededFuture(Optional.of(pending));
    }
    return repository.latest(deviceId, component, name);
  }
}
