package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.DeviceActivity;
import io.flotilla.domain.device.DeviceService;
import io.flotilla.domain.job.JobEvents;
import io.flotilla.domain.job.JobService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Live Server-Sent Events streams for the console (Flotilla extensions; docs/api.md "Live events"): connections of
 * every device, everything one device does, and the status and progress of every job that moves. One stream serves a
 * whole page; see {@link LiveFeed} for coalescing and bounds.
 */
public final class LiveRoutes implements ResourceRoutes {
  /** A changed job is read and sent at most this often. */
  static final long JOB_READ_MILLIS = 250;
  /** A job-progress stream watches at most this many named jobs (a page of the console's jobs list holds 50). */
  static final int MAX_WATCHED_JOBS = 100;
  /** Keys of events that are never coalesced. */
  private static final java.util.concurrent.atomic.AtomicLong SEQ = new java.util.concurrent.atomic.AtomicLong();
  private final DeviceActivity activity;
  private final DeviceService devices;
  private final JobEvents jobEvents;
  private final JobService jobs;
  private final Vertx vertx;

  public LiveRoutes(DeviceActivity activity, DeviceService devices, JobEvents jobEvents, JobService jobs,
                    Vertx vertx) {
    this.activity = activity;
    this.devices = devices;
    this.jobEvents = jobEvents;
    this.jobs = jobs;
    this.vertx = vertx;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, "/api/deviceConnectivity/events", p, "DeviceConnectivity_GetEvents", 200,
        "Every device's connections and disconnections as Server-Sent Events (event connection; a Flotilla "
            + "extension; needs Accept: text/event-stream)", call -> {
          acceptsEvents(call);
          LiveFeed feed = new LiveFeed(vertx);
          DeviceActivity.Watch watch = activity.watchConnections(e -> offer(feed, e));
          return io.vertx.core.Future.succeededFuture(Reply.eventStream(feed.onClose(watch::close)));
        });
    t.add(HttpMethod.GET, DeviceRoutes.ONE + "/events", p, "Devices_GetEvents", 200,
        "The device's connection (now, then each change), telemetry messages and reported-property changes as "
            + "Server-Sent Events (events connection, telemetry, properties; a Flotilla extension; needs Accept: "
            + "text/event-stream)", call -> {
          acceptsEvents(call);
          String id = call.path("deviceId");
          return devices.get(id).map(d -> {
            LiveFeed feed = new LiveFeed(vertx);
            feed.offer("connection", "connection", connection(id, activity.isConnected(id), null));
            DeviceActivity.Watch watch = activity.watchDevice(id, e -> offer(feed, e));
            return Reply.eventStream(feed.onClose(watch::close));
          });
        });
    t.add(HttpMethod.GET, "/api/jobProgress/events", p, "Jobs_GetProgressEvents", 200,
        "The status and progress of every job whose log grows, as Server-Sent Events (event job: the job as "
            + "GET /jobs/{jobId} answers it; a Flotilla extension; needs Accept: text/event-stream)", call -> {
          acceptsEvents(call);
          Set<String> only = jobIds(call.query("ids"));
          LiveFeed feed = new LiveFeed(vertx);
          ChangedJobs changed = new ChangedJobs(feed);
          JobEvents.Watch watch = jobEvents.watchJobs(only == null ? changed::add : id -> {
            if (only.contains(id)) {
              changed.add(id);
            }
          });
          return io.vertx.core.Future.succeededFuture(Reply.eventStream(feed.onClose(() -> {
            watch.close();
            changed.close();
          })));
        }).accepts(QueryParameter.always("ids", "Only these jobs (comma-separated ids, at most "
            + MAX_WATCHED_JOBS + "): the rows of one page"));
  }

  /** The {@code ids} of a job-progress stream (null: every job); 400 for a bad id or too many. */
  static Set<String> jobIds(String ids) {
    if (ids == null) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String id : ids.split(",", -1)) {
      out.add(io.flotilla.domain.common.Ids.groupOrJobId("job id in \"ids\"", id));
    }
    if (out.size() > MAX_WATCHED_JOBS) {
      throw new FlotillaException.Invalid("\"ids\" names at most " + MAX_WATCHED_JOBS + " jobs.");
    }
    return Set.copyOf(out);
  }

  /**
   * These streams never end by themselves, so they are only for clients that asked for one (EventSource and the
   * console send {@code Accept: text/event-stream}); anything else gets 406 rather than a body that never ends.
   */
  private static void acceptsEvents(Call call) {
    String accept = call.header("Accept");
    if (accept == null || !accept.toLowerCase(java.util.Locale.ROOT).contains("text/event-stream")) {
      throw new FlotillaException.Invalid("NotAcceptable", "This is a Server-Sent Events stream that does not end: "
          + "send Accept: text/event-stream.");
    }
  }

  private static void offer(LiveFeed feed, DeviceActivity.Event e) {
    if (e instanceof DeviceActivity.Connection c) {
      feed.offer("connection:" + c.deviceId(), "connection", connection(c.deviceId(), c.connected(), c.at()));
    } else if (e instanceof DeviceActivity.Telemetry m) {
      ObjectNode o = Json.MAPPER.createObjectNode().put("deviceId", m.deviceId());
      if (m.component() != null) {
        o.put("component", m.component());
      }
      o.set("values", m.values());
      o.put("at", m.at().toString());
      feed.offer("telemetry:" + SEQ.incrementAndGet(), "telemetry", o);
    } else if (e instanceof DeviceActivity.Reported r) {
      ObjectNode o = Json.MAPPER.createObjectNode().put("deviceId", r.deviceId());
      o.set("patch", r.patch());
      o.put("at", r.at().toString());
      feed.offer("properties:" + SEQ.incrementAndGet(), "properties", o);
    }
  }

  private static ObjectNode connection(String deviceId, boolean connected, java.time.Instant at) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("deviceId", deviceId).put("connected", connected);
    if (at != null) {
      o.put("at", at.toString());
    }
    return o;
  }

  /** Ids of jobs whose logs grew, read and sent at most every {@value #JOB_READ_MILLIS} ms (a job once per read). */
  private final class ChangedJobs {
    private final LiveFeed feed;
    private final Set<String> ids = new LinkedHashSet<>();
    private final io.vertx.core.Context context = vertx.getOrCreateContext();
    private long timer = -1;
    private boolean closed;

    ChangedJobs(LiveFeed feed) {
      this.feed = feed;
    }

    void add(String jobId) {
      context.runOnContext(v -> {
        if (closed || ids.size() >= LiveFeed.MAX_PENDING) {
          return;
        }
        ids.add(jobId);
        if (timer < 0) {
          timer = vertx.setTimer(JOB_READ_MILLIS, id -> context.runOnContext(w -> read()));
        }
      });
    }

    private void read() {
      timer = -1;
      if (closed) {
        return;
      }
      List<String> batch = List.copyOf(ids);
      ids.clear();
      for (String id : batch) {
        jobs.get(id).onSuccess(j -> feed.offer("job:" + id, "job", JobRoutes.dto(j)));
      }
    }

    void close() {
      context.runOnContext(v -> {
        closed = true;
        if (timer >= 0) {
          vertx.cancelTimer(timer);
        }
      });
    }
  }
}
