package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;

/**
 * What devices do now, for whoever watches (the console's live views): connections of every device, and the
 * telemetry and reported properties of the devices someone watches. It stands in front of the data exports (every event
 * is passed on to {@code exports} when it wants it) and keeps the ids of the connected devices in order, so "online"
 * devices can be paged. Watching one device costs nothing for the others: telemetry and reported properties are only
 * asked for (see {@link #wants}) while a device is watched. Calls come from event loops and return at once.
 */
public final class DeviceActivity implements ExportEvents {
  /** Something a device did. */
  public sealed interface Event {
    String deviceId();

    Instant at();
  }

  /** The device's session started ({@code connected}) or ended. */
  public record Connection(String deviceId, boolean connected, Instant at) implements Event {
  }

  /** A telemetry message ({@code component} null: the root), its values as sent; must not be modified. */
  public record Telemetry(String deviceId, String component, ObjectNode values, Instant at) implements Event {
  }

  /** A reported-property patch as merged into the twin; must not be modified. */
  public record Reported(String deviceId, ObjectNode patch, Instant at) implements Event {
  }

  /** A watch; {@link #close} ends it. */
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  private final ExportEvents exports;
  private final NavigableSet<String> connected = new ConcurrentSkipListSet<>();
  private final Set<Consumer<Event>> fleet = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<Consumer<Event>>> devices = new ConcurrentHashMap<>();

  public DeviceActivity(ExportEvents exports) {
    this.exports = exports;
  }

  /** Calls {@code listener} with every device's connections and disconnections until the watch is closed. */
  public Watch watchConnections(Consumer<Event> listener) {
    fleet.add(listener);
    return () -> fleet.remove(listener);
  }

  /** Calls {@code listener} with everything device {@code deviceId} does until the watch is closed. */
  public Watch watchDevice(String deviceId, Consumer<Event> listener) {
    devices.computeIfAbsent(deviceId, id -> ConcurrentHashMap.newKeySet()).add(listener);
    return () -> devices.computeIfPresent(deviceId, (id, set) -> {
      set.remove(listener);
      return set.isEmpty() ? null : set;
    });
  }

  /** How many watches are open (for metrics and tests). */
  public int watches() {
    return fleet.size() + devices.values().stream().mapToInt(Set::size).sum();
  }

  public boolean isConnected(String deviceId) {
    return connected.contains(deviceId);
  }

  /** Up to {@code limit} ids of connected devices after {@code after} (null: from the first), in id order. */
  public List<String> connectedAfter(String after, int limit) {
    NavigableSet<String> tail = after == null ? connected : connected.tailSet(after, false);
    return tail.stream().limit(limit).toList();
  }

  public int connectedCount() {
    return connected.size();
  }

  @Override
  public boolean wants(ExportSource source) {
    return switch (source) {
      case DEVICE_CONNECTIVITY -> true;
      case TELEMETRY, PROPERTIES -> !devices.isEmpty() || exports.wants(source);
      default -> exports.wants(source);
    };
  }

  @Override
  public void telemetry(String deviceId, String component, ObjectNode values, Instant at) {
    if (exports.wants(ExportSource.TELEMETRY)) {
      exports.telemetry(deviceId, component, values, at);
    }
    tell(deviceId, new Telemetry(deviceId, component, values, at));
  }

  @Override
  public void reportedProperties(String deviceId, ObjectNode patch, Instant at) {
    if (exports.wants(ExportSource.PROPERTIES)) {
      exports.reportedProperties(deviceId, patch, at);
    }
    tell(deviceId, new Reported(deviceId, patch, at));
  }

  @Override
  public void connectivity(String deviceId, boolean connected, Instant at) {
    if (connected) {
      this.connected.add(deviceId);
    } else {
      this.connected.remove(deviceId);
    }
    if (exports.wants(ExportSource.DEVICE_CONNECTIVITY)) {
      exports.connectivity(deviceId, connected, at);
    }
    Connection event = new Connection(deviceId, connected, at);
    fleet.forEach(l -> l.accept(event));
    tell(deviceId, event);
  }

  private void tell(String deviceId, Event event) {
    Set<Consumer<Event>> set = devices.get(deviceId);
    if (set != null) {
      set.forEach(l -> l.accept(event));
    }
  }
}
