package io.flotilla.domain.export;

import io.flotilla.domain.device.ExportSource;
import io.flotilla.domain.device.ExportEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceListener;
import io.flotilla.domain.device.PropertyView;
import io.flotilla.domain.job.JobEvent;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emitting side of data export: knows the enabled exports by source (a snapshot, reloaded after every change), turns
 * each event of a source some export takes into one message per export and destination, in IoT Central's export
 * message shape, and commits them to the {@link ExportOutbox} in group commits ({@link #flush}, called every 100 ms
 * and whenever {@value #FLUSH_AT} wait). With no export of a source its events cost one map lookup. Messages waiting
 * for a commit are bounded ({@value #MAX_WAITING}); beyond that new ones are dropped and counted ({@link #dropped}),
 * never blocking the device traffic that produced them: a message counts as emitted once it is committed.
 */
public final class DataExports implements ExportEvents, DeviceListener {
  static final int FLUSH_AT = 500;
  static final int MAX_WAITING = 100_000;
  private static final Logger LOG = LoggerFactory.getLogger(DataExports.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExportRepository repository;
  private final ExportOutbox outbox;
  private final String applicationId;
  private final Clock clock;
  private final ConcurrentLinkedQueue<ExportOutbox.Message> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private final AtomicBoolean flushing = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Map<ExportSource, List<Route>> routes = Map.of();
  private volatile Map<String, DataExport> byId = Map.of();
  private volatile Runnable committed = () -> { };

  /** One export's destination: where a message of the export's source goes. */
  record Route(DataExport export, String destinationId) {
  }

  public DataExports(ExportRepository repository, ExportOutbox outbox, String applicationId, Clock clock) {
    this.repository = repository;
    this.outbox = outbox;
    this.applicationId = applicationId;
    this.clock = clock;
  }

  /** Runs after each commit of messages (wakes the dispatcher). */
  public void onCommitted(Runnable r) {
    this.committed = r;
  }

  /** Reads the enabled exports again (after any change to exports or destinations). */
  public Future<Void> reload() {
    return repository.enabledExports().map(list -> {
      Map<ExportSource, List<Route>> next = new EnumMap<>(ExportSource.class);
      Map<String, DataExport> ids = new HashMap<>();
      for (DataExport e : list) {
        ids.put(e.id(), e);
        for (String d : e.destinations()) {
          next.computeIfAbsent(e.source(), s -> new ArrayList<>()).add(new Route(e, d));
        }
      }
      next.replaceAll((s, r) -> List.copyOf(r));
      routes = next;
      byId = Map.copyOf(ids);
      return null;
    });
  }

  /** The enabled export {@code id} as last loaded. */
  Optional<DataExport> enabled(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public boolean wants(ExportSource source) {
    List<Route> r = routes.get(source);
    return r != null && !r.isEmpty();
  }

  /** Messages dropped because too many waited for a commit. */
  public long dropped() {
    return dropped.get();
  }

  /** Messages waiting for a commit. */
  public int waiting() {
    return waitingCount.get();
  }

  @Override
  public void telemetry(String deviceId, String component, ObjectNode values, Instant at) {
    route(ExportSource.TELEMETRY, at, export -> {
      ObjectNode m = base(ExportSource.TELEMETRY, deviceId, at, export);
      if (component != null) {
        m.put("component", component);
      }
      m.set("telemetry", values);
      m.putObject("messageProperties");
      return m;
    });
  }

  @Override
  public void reportedProperties(String deviceId, ObjectNode patch, Instant at) {
    route(ExportSource.PROPERTIES, at, export -> {
      ObjectNode m = base(ExportSource.PROPERTIES, deviceId, at, export);
      m.put("messageType", "devicePropertyReportedChange");
      ArrayNode properties = m.putArray("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().startsWith("$")) {
          continue;
        }
        JsonNode v = e.getValue();
        if (v.isObject() && v.has(PropertyView.COMPONENT_MARKER)) {
          v.fields().forEachRemaining(c -> {
            if (!c.getKey().equals(PropertyView.COMPONENT_MARKER)) {
              properties.addObject().put("component", e.getKey()).put("name", c.getKey()).set("value", c.getValue());
            }
          });
        } else {
          properties.addObject().put("name", e.getKey()).set("value", v);
        }
      }
      return m;
    });
  }

  @Override
  public void connectivity(String deviceId, boolean connected, Instant at) {
    route(ExportSource.DEVICE_CONNECTIVITY, at, export -> base(ExportSource.DEVICE_CONNECTIVITY, deviceId, at, export)
        .put("messageType", connected ? "connected" : "disconnected"));
  }

  @Override
  public void changed(Device before, Device after) {
    if (!wants(ExportSource.DEVICE_LIFECYCLE)) {
      return;
    }
    List<String> types = new ArrayList<>();
    if (before == null) {
      types.add("registered");
    } else {
      if (before.enabled() != after.enabled()) {
        types.add(after.enabled() ? "enabled" : "disabled");
      }
      if (!before.displayName().equals(after.displayName())) {
        types.add("displayNameChanged");
      }
      if (!java.util.Objects.equals(before.templateId(), after.templateId())) {
        types.add("deviceTemplateChanged");
      }
    }
    Instant at = clock.instant();
    for (String type : types) {
      route(ExportSource.DEVICE_LIFECYCLE, at, export -> {
        ObjectNode m = base(ExportSource.DEVICE_LIFECYCLE, after.id(), at, export).put("messageType", type);
        if (after.templateId() != null) {
          m.put("templateId", after.templateId());
        }
        return m;
      });
    }
  }

  @Override
  public void deleted(String deviceId) {
    Instant at = clock.instant();
    route(ExportSource.DEVICE_LIFECYCLE, at, export -> base(ExportSource.DEVICE_LIFECYCLE, deviceId, at, export)
        .put("messageType", "deleted"));
  }

  /** The message of one entry of a job's log for export {@code exportId} (its enrichments; none once disabled). */
  String jobMessage(String exportId, String jobId, Instant at, List<JobEvent> events,
                    Function<JobEvent, ObjectNode> dto) {
    ObjectNode m = JSON.createObjectNode();
    m.put("applicationId", applicationId);
    m.put("messageSource", ExportSource.JOBS.wire());
    m.put("messageType", !events.isEmpty() && events.get(0) instanceof JobEvent.StatusChanged ? "jobStatusChange"
        : "jobDeviceOutcomes");
    m.put("schema", "flotilla.jobs@v1");
    m.put("jobId", jobId);
    m.put("enqueuedTime", at.toString());
    ArrayNode out = m.putArray("events");
    for (JobEvent e : events) {
      ObjectNode o = dto.apply(e);
      ObjectNode item = out.addObject().put("eventId", e.id().toString());
      item.setAll(o);
    }
    enrich(m, enabled(exportId).map(DataExport::enrichments).orElse(Map.of()));
    return m.toString();
  }

  private ObjectNode base(ExportSource source, String deviceId, Instant at, DataExport export) {
    ObjectNode m = JSON.createObjectNode();
    m.put("applicationId", applicationId);
    m.put("messageSource", source.wire());
    m.put("deviceId", deviceId);
    m.put("schema", "default@v1");
    m.put("enqueuedTime", at.toString());
    enrich(m, export.enrichments());
    return m;
  }

  private static void enrich(ObjectNode m, Map<String, String> enrichments) {
    ObjectNode e = m.putObject("enrichments");
    enrichments.forEach(e::put);
  }

  /** Queues the message {@code build} makes for each export of {@code source}, once per destination. */
  private void route(ExportSource source, Instant at, Function<DataExport, ObjectNode> build) {
    List<Route> targets = routes.get(source);
    if (targets == null || targets.isEmpty()) {
      return;
    }
    Map<String, String> bodies = new HashMap<>();
    for (Route r : targets) {
      String body = bodies.computeIfAbsent(r.export().id(), id -> build.apply(r.export()).toString());
      if (waitingCount.incrementAndGet() > MAX_WAITING) {
        waitingCount.decrementAndGet();
        if (dropped.incrementAndGet() % 10_000 == 1) {
          LOG.warn("Data export: {} message(s) waited for the outbox; dropping new ones (dropped so far: {})",
              MAX_WAITING, dropped.get());
        }
        continue;
      }
      waiting.add(new ExportOutbox.Message(r.destinationId(), r.export().id(), body, at));
    }
    if (waitingCount.get() >= FLUSH_AT) {
      flush();
    }
  }

  /** Commits the waiting messages (a flush started while another runs does nothing). */
  public Future<Void> flush() {
    if (waiting.isEmpty() || !flushing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    List<ExportOutbox.Message> batch = new ArrayList<>();
    ExportOutbox.Message m;
    while (batch.size() < 5_000 && (m = waiting.poll()) != null) {
      batch.add(m);
    }
    return outbox.enqueue(batch).onComplete(ar -> {
      flushing.set(false);
      if (ar.succeeded()) {
        waitingCount.addAndGet(-batch.size());
        committed.run();
        if (waitingCount.get() >= FLUSH_AT) {
          flush();
        }
      } else {
        LOG.warn("Data export: committing {} message(s) failed; they wait for the next flush: {}", batch.size(),
            ar.cause().toString());
        waiting.addAll(batch);
      }
    });
  }
}
