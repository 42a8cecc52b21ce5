package io.flotilla.sim;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceListener;
import io.flotilla.domain.device.DeviceRepository;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.domain.template.CapabilityModel;
import io.flotilla.domain.template.DeviceTemplate;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the simulated devices of this node: every enabled device marked {@code simulated} gets a {@link SimulatedDevice},
 * a real MQTT client connected to the gateway over loopback, so the rest of the system sees an ordinary connected
 * device. Told about changes through {@link DeviceListener}; all state lives on one Vert.x context, and one periodic
 * tick drives every device (due telemetry, reconnects, the bounded connect ramp) — no per-device timers.
 */
public final class Simulator implements DeviceListener {
  private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
  private static final long TICK_MILLIS = 100;
  private static final long MODEL_CACHE_MILLIS = 5_000;
  private static final long RETRY_MIN_MILLIS = 1_000;
  private static final long RETRY_MAX_MILLIS = 30_000;
  private static final String ENABLED_SIMULATED = "SELECT * FROM devices WHERE $simulated = true AND $enabled = true";

  /**
   * @param host and {@code port}: the gateway's plain loopback listener
   * @param hubHostName the host name devices put in their username and SAS resource
   * @param telemetryInterval mean time between two telemetry rounds of one device
   * @param maxConnecting most connection attempts in flight at once (the ramp-up bound)
   * @param tokenLifetime how long a device's SAS token lasts (it reconnects with a fresh one when the gateway drops it)
   */
  public record Settings(String host, int port, String hubHostName, Duration telemetryInterval, int maxConnecting,
                         Duration tokenLifetime) {
  }

  private record CachedModel(Optional<CapabilityModel> model, long loadedAt) {
  }

  private final Vertx vertx;
  private final Context context;
  private final DeviceRepository devices;
  private final TemplateService templates;
  private final Settings settings;
  private final Clock clock;
  private final SplittableRandom random = new SplittableRandom();
  private final Map<String, SimulatedDevice> running = new HashMap<>();
  private final ArrayDeque<SimulatedDevice> connectQueue = new ArrayDeque<>();
  private final PriorityQueue<SimulatedDevice> wakeups =
      new PriorityQueue<>(Comparator.comparingLong((SimulatedDevice d) -> d.due));
  private final Map<String, CachedModel> models = new HashMap<>();
  private int connecting;
  /** Which simulated devices this node runs (in a cluster, its share; alone, all). */
  private volatile java.util.function.Predicate<String> mine = id -> true;
  private long tick = -1;
  private volatile int online;

  public Simulator(Vertx vertx, DeviceRepository devices, TemplateService templates, Settings settings, Clock clock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.devices = devices;
    this.templates = templates;
    this.settings = settings;
    this.clock = clock;
  }

  /** Starts the tick and every enabled simulated device in the repository; completes once all are queued. */
  public Future<Void> start() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      tick = vertx.setPeriodic(TICK_MILLIS, id -> tick());
      startAll(FilterParser.parse(ENABLED_SIMULATED), null, done);
    });
    return done.future();
  }

  private void startAll(DeviceFilter filter, String after, Promise<Void> done) {
    onContext(devices.list(filter, new PageRequest(after, 1000)), ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      Page<Device> page = ar.result();
      page.items().forEach(d -> {
        if (mine.test(d.id())) {
          start(d.id());
        }
      });
      if (page.nextKey().isPresent()) {
        startAll(filter, page.nextKey().get(), done);
      } else {
        LOG.info("Simulating {} devices", running.size());
        done.complete();
      }
    });
  }

  /** Disconnects every simulated device and stops the tick. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (tick >= 0) {
        vertx.cancelTimer(tick);
      }
      List<Future<Void>> closing = new ArrayList<>();
      for (SimulatedDevice d : running.values()) {
        d.state = SimulatedDevice.State.STOPPED;
        closing.add(d.disconnect());
      }
      running.clear();
      connectQueue.clear();
      wakeups.clear();
      Future.join(closing).onComplete(x -> done.complete());
    });
    return done.future();
  }

  /** Simulated devices running now (connected or not). */
  public int runningCount() {
    return running.size();
  }

  /** Simulated devices connected now. */
  public int onlineCount() {
    return online;
  }

  @Override
  public void changed(Device before, Device after) {
    boolean wanted = after.simulated() && after.enabled() && mine.test(after.id());
    boolean templateChanged = before != null && !Objects.equals(before.templateId(), after.templateId());
    context.runOnContext(v -> {
      if (!wanted) {
        stop(after.id());
      } else if (templateChanged || !running.containsKey(after.id())) {
        stop(after.id());
        start(after.id());
      }
    });
  }

  /**
   * Runs only the simulated devices {@code runsHere} accepts from now on (a cluster's share of them): devices that are
   * no longer this node's stop, and those that became its own start.
   */
  public Future<Void> share(java.util.function.Predicate<String> runsHere) {
    mine = runsHere;
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      for (String id : new ArrayList<>(running.keySet())) {
        if (!runsHere.test(id)) {
          stop(id);
        }
      }
      if (tick >= 0) {
        startAll(FilterParser.parse(ENABLED_SIMULATED), null, done);
      } else {
        done.complete(); // not started yet: start() takes the share
      }
    });
    return done.future();
  }

  /**
   * A device changed on another node (a cluster): read again, it starts or stops here as {@link #changed} would have
   * ({@code restart}: its template changed, so a running one starts afresh).
   */
  public void refresh(String deviceId, boolean restart) {
    onContext(devices.find(deviceId), ar -> {
      if (ar.failed()) {
        LOG.warn("Simulated device {}: reading it failed: {}", deviceId, ar.cause().toString());
        return;
      }
      Optional<Device> d = ar.result();
      boolean wanted = d.isPresent() && d.get().simulated() && d.get().enabled() && mine.test(deviceId);
      if (!wanted || restart) {
        stop(deviceId);
      }
      if (wanted) {
        start(deviceId);
      }
    });
  }

  @Override
  public void deleted(String deviceId) {
    context.runOnContext(v -> stop(deviceId));
  }

  private void start(String id) {
    if (running.containsKey(id)) {
      return;
    }
    SimulatedDevice d = new SimulatedDevice(id);
    running.put(id, d);
    connectQueue.add(d);
    pump();
  }

  private void stop(String id) {
    SimulatedDevice d = running.remove(id);
    if (d == null) {
      return;
    }
    if (d.state == SimulatedDevice.State.ONLINE) {
      online--;
    }
    d.state = SimulatedDevice.State.STOPPED;
    unschedule(d);
    connectQueue.remove(d);
    d.disconnect();
  }

  private void tick() {
    long now = clock.millis();
    SimulatedDevice d;
    while ((d = wakeups.peek()) != null && d.due <= now) {
      wakeups.poll();
      d.scheduled = false;
      if (d.state == SimulatedDevice.State.ONLINE) {
        d.sendTelemetry();
        schedule(d, now + jittered(settings.telemetryInterval().toMillis()));
      } else if (d.state == SimulatedDevice.State.WAITING) {
        d.state = SimulatedDevice.State.QUEUED;
        connectQueue.add(d);
      }
    }
    pump();
  }

  private void pump() {
    while (connecting < settings.maxConnecting() && !connectQueue.isEmpty()) {
      SimulatedDevice d = connectQueue.poll();
      if (d.state == SimulatedDevice.State.QUEUED) {
        connect(d);
      }
    }
  }

  private void connect(SimulatedDevice d) {
    d.state = SimulatedDevice.State.CONNECTING;
    connecting++;
    Future<Optional<Device>> device = devices.find(d.id);
    Future<Optional<Attestation>> attestation = devices.attestation(d.id);
    onContext(Future.all(device, attestation), ar -> {
      if (d.state != SimulatedDevice.State.CONNECTING) {
        connecting--;
        pump();
        return;
      }
      if (ar.failed()) {
        failed(d, ar.cause());
        return;
      }
      Optional<Device> found = device.result();
      if (found.isEmpty() || !found.get().simulated() || !found.get().enabled()) {
        connecting--;
        running.remove(d.id, d);
        d.state = SimulatedDevice.State.STOPPED;
        pump();
        return;
      }
      Attestation a = attestation.result().orElse(null);
      if (a == null || !a.isSymmetricKey() || a.primaryKey() == null) {
        LOG.warn("Simulated device {} has no symmetric key: it stays offline until it gets one", d.id);
        connecting--;
        d.state = SimulatedDevice.State.STOPPED;
        running.remove(d.id, d);
        pump();
        return;
      }
      String templateId = found.get().templateId();
      onContext(model(templateId), m -> {
        if (d.state != SimulatedDevice.State.CONNECTING) {
          connecting--;
          pump();
          return;
        }
        if (m.failed()) {
          failed(d, m.cause());
          return;
        }
        DeviceBehaviour behaviour = new DeviceBehaviour(m.result().orElse(null),
            new SimulatedValues(random.split(), clock));
        Future<Void> connected;
        try {
          connected = d.connect(vertx, settings, a.primaryKey(), templateId, behaviour, clock.instant(),
              () -> context.runOnContext(x -> closed(d)));
        } catch (RuntimeException e) {
          connected = Future.failedFuture(e);
        }
        onContext(connected, c -> {
              if (c.failed()) {
                failed(d, c.cause());
                return;
              }
              connecting--;
              if (d.state != SimulatedDevice.State.CONNECTING) {
                d.disconnect();
              } else {
                d.state = SimulatedDevice.State.ONLINE;
                d.failures = 0;
                online++;
                schedule(d, clock.millis() + (long) (random.nextDouble() * settings.telemetryInterval().toMillis()));
              }
              pump();
            });
      });
    });
  }

  private void failed(SimulatedDevice d, Throwable cause) {
    connecting--;
    LOG.debug("Simulated device {} could not connect: {}", d.id, cause.toString());
    d.disconnect();
    if (d.state == SimulatedDevice.State.CONNECTING) {
      retry(d);
    }
    pump();
  }

  private void closed(SimulatedDevice d) {
    if (d.state == SimulatedDevice.State.ONLINE) {
      online--;
      LOG.debug("Simulated device {} was disconnected; reconnecting", d.id);
      unschedule(d);
      retry(d);
    }
  }

  private void retry(SimulatedDevice d) {
    d.state = SimulatedDevice.State.WAITING;
    d.failures++;
    long backoff = Math.min(RETRY_MAX_MILLIS, RETRY_MIN_MILLIS << Math.min(5, d.failures - 1));
    schedule(d, clock.millis() + backoff + (long) (random.nextDouble() * backoff / 2));
  }

  private void schedule(SimulatedDevice d, long at) {
    unschedule(d);
    d.due = at;
    d.scheduled = true;
    wakeups.add(d);
  }

  private void unschedule(SimulatedDevice d) {
    if (d.scheduled) {
      wakeups.remove(d);
      d.scheduled = false;
    }
  }

  private long jittered(long interval) {
    return (long) (interval * (0.9 + 0.2 * random.nextDouble()));
  }

  private Future<Optional<CapabilityModel>> model(String templateId) {
    if (templateId == null) {
      return Future.succeededFuture(Optional.empty());
    }
    CachedModel cached = models.get(templateId);
    long now = clock.millis();
    if (cached != null && now - cached.loadedAt() < MODEL_CACHE_MILLIS) {
      return Future.succeededFuture(cached.model());
    }
    return templates.find(templateId).map(t -> {
      Optional<CapabilityModel> m = t.map(DeviceTemplate::model);
      context.runOnContext(v -> models.put(templateId, new CachedModel(m, now)));
      return m;
    });
  }

  /** Runs {@code handler} on the simulator's context when {@code f} completes, wherever it completes. */
  private <T> void onContext(Future<T> f, Handler<AsyncResult<T>> handler) {
    f.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        handler.handle(ar);
      } else {
        context.runOnContext(v -> handler.handle(ar));
      }
    });
  }
}
