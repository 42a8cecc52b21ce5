package io.flotilla.gateway.mqtt;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.DevicePresence;
import io.flotilla.domain.device.ExportEvents;
import io.flotilla.domain.device.ExportSource;
import io.flotilla.domain.device.ModuleId;
import io.flotilla.domain.device.SessionDirectory;
import java.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live device sessions of this node: at most one per device, ordered by token expiry so that one periodic
 * {@link #sweep} closes the expired ones, and the callers waiting for a device to accept method requests.
 */
final class SessionRegistry {
  private record Expiry(Instant at, long seq, DeviceSession session) {
  }

  private record Waiter(Promise<DeviceSession> promise, long timer) {
  }

  private static final Comparator<Expiry> ORDER =
      Comparator.comparing(Expiry::at).thenComparingLong(Expiry::seq);

  private final Vertx vertx;
  private final Map<String, DeviceSession> sessions = new ConcurrentHashMap<>();
  private final Map<DeviceSession, Expiry> expiryOf = new ConcurrentHashMap<>();
  private final ConcurrentSkipListSet<Expiry> expiries = new ConcurrentSkipListSet<>(ORDER);
  /** Module sessions by device id, so blocking or deleting a device closes its modules' sessions too. */
  private final Map<String, java.util.Set<DeviceSession>> modules = new ConcurrentHashMap<>();
  private final Map<String, Queue<Waiter>> methodWaiters = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private volatile DevicePresence presence = DevicePresence.NONE;
  private volatile SessionDirectory directory = SessionDirectory.NONE;
  private final ExportEvents exports;
  private final Clock clock;

  SessionRegistry(Vertx vertx) {
    this(vertx, ExportEvents.NONE, Clock.systemUTC());
  }

  /** @param exports told when a device's session starts and ends (data export of device connectivity) */
  SessionRegistry(Vertx vertx, ExportEvents exports, Clock clock) {
    this.vertx = vertx;
    this.exports = exports;
    this.clock = clock;
  }

  /**
   * Adds the session; an older session of the same device (or module) is closed (one session per device and one per
   * module, a module's named {@code {deviceId}/{moduleId}}).
   */
  void register(DeviceSession session) {
    Expiry e = new Expiry(session.expiry(), seq.incrementAndGet(), session);
    expiryOf.put(session, e);
    expiries.add(e);
    ModuleId.ofKey(session.deviceId()).ifPresent(m ->
        modules.computeIfAbsent(m.deviceId(), k -> ConcurrentHashMap.newKeySet()).add(session));
    DeviceSession older = sessions.put(session.deviceId(), session);
    if (older != null && older != session) {
      connectivity(session.deviceId(), false);
      older.close();
    }
    connectivity(session.deviceId(), true);
    directory.opened(session.deviceId(), e.seq());
  }

  /** The number of a registered session (unique on this node), or -1. */
  long seqOf(DeviceSession session) {
    Expiry e = expiryOf.get(session);
    return e == null ? -1 : e.seq();
  }

  void directory(SessionDirectory directory) {
    this.directory = directory;
  }

  /** Removes the session if it is still the device's current one. */
  void unregister(DeviceSession session) {
    Expiry e = expiryOf.remove(session);
    ModuleId.ofKey(session.deviceId()).ifPresent(m -> modules.computeIfPresent(m.deviceId(), (k, set) -> {
      set.remove(session);
      return set.isEmpty() ? null : set;
    }));
    if (sessions.remove(session.deviceId(), session)) {
      connectivity(session.deviceId(), false);
      if (e != null) {
        directory.closed(session.deviceId(), e.seq());
      }
    }
    if (e != null) {
      expiries.remove(e);
    }
  }

  /** The module sessions of a device on this node. */
  java.util.List<DeviceSession> modulesOf(String deviceId) {
    java.util.Set<DeviceSession> set = modules.get(deviceId);
    return set == null ? java.util.List.of() : java.util.List.copyOf(set);
  }

  /** Device connectivity for data export (module sessions are not exported). */
  private void connectivity(String deviceId, boolean connected) {
    if (!ModuleId.isKey(deviceId) && exports.wants(ExportSource.DEVICE_CONNECTIVITY)) {
      exports.connectivity(deviceId, connected, clock.instant());
    }
  }

  DeviceSession get(String deviceId) {
    return sessions.get(deviceId);
  }

  int size() {
    return sessions.size();
  }

  /** Closes every session whose token expired at {@code now}; answers how many. */
  int sweep(Instant now) {
    int closed = 0;
    for (Expiry first = first(); first != null && !first.at().isAfter(now); first = first()) {
      expiries.remove(first);
      first.session().close(); // its unregistering forgets it
      closed++;
    }
    return closed;
  }

  private Expiry first() {
    return expiries.isEmpty() ? null : expiries.first();
  }

  /** The device's session when it is connected and subscribed to method requests, else null. */
  DeviceSession methodReady(String deviceId) {
    DeviceSession s = sessions.get(deviceId);
    return s != null && s.acceptsMethods() ? s : null;
  }

  /**
   * The device's session once it is ready for method requests, waiting at most {@code timeout} (woken by
   * {@link #methodsReady}, no polling). Fails with {@code NotFound("DeviceNotOnline")}.
   */
  Future<DeviceSession> awaitMethodReady(String deviceId, Duration timeout) {
    DeviceSession ready = methodReady(deviceId);
    if (ready != null) {
      return Future.succeededFuture(ready);
    }
    Promise<DeviceSession> promise = Promise.promise();
    Queue<Waiter> queue = methodWaiters.computeIfAbsent(deviceId, k -> new ConcurrentLinkedQueue<>());
    long[] timer = new long[1];
    timer[0] = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> {
      methodWaiters.computeIfPresent(deviceId, (k, q) -> {
        q.removeIf(w -> w.timer() == timer[0]);
        return q.isEmpty() ? null : q;
      });
      promise.tryFail(notOnline(deviceId));
    });
    queue.add(new Waiter(promise, timer[0]));
    ready = methodReady(deviceId);
    if (ready != null) {
      vertx.cancelTimer(timer[0]);
      promise.tryComplete(ready);
      methodsReady(ready);
    }
    return promise.future();
  }

  void presence(DevicePresence listener) {
    this.presence = listener;
  }

  /** Callers waiting for a device to become ready for methods (what tests wait for instead of sleeping). */
  int methodWaiters() {
    return methodWaiters.values().stream().mapToInt(Queue::size).sum();
  }

  /** Wakes the callers waiting for this session's device, and tells the presence listener. */
  void methodsReady(DeviceSession session) {
    if (!ModuleId.isKey(session.deviceId())) { // jobs target devices, not modules
      presence.online(session.deviceId());
    }
    Queue<Waiter> waiting = methodWaiters.remove(session.deviceId());
    if (waiting == null) {
      return;
    }
    for (Waiter w : waiting) {
      vertx.cancelTimer(w.timer());
      w.promise().tryComplete(session);
    }
  }

  static FlotillaException.NotFound notOnline(String deviceId) {
    return io.flotilla.domain.device.DeviceChannel.notOnline(deviceId);
  }
}
