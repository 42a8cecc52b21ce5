package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.job.Attempt;
import io.flotilla.domain.job.CancellationThreshold;
import io.flotilla.domain.job.DeviceJobStatus;
import io.flotilla.domain.job.DeviceResult;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobBatch;
import io.flotilla.domain.job.JobDefinition;
import io.flotilla.domain.job.JobDevice;
import io.flotilla.domain.job.JobItem;
import io.flotilla.domain.job.JobService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code /jobs}: create (and start), read, per-device results (JSON pages or CSV), stop, resume, rerun. */
public final class JobRoutes implements ResourceRoutes {
  private static final String ONE = "/api/jobs/{jobId}";
  private static final int CSV_CHUNK = 1000;
  private final JobService jobs;

  public JobRoutes(JobService jobs) {
    this.jobs = jobs;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, "/api/jobs", p, "Jobs_List", 200, "List jobs",
        call -> jobs.list(call.scope(), call.page()).map(page -> call.pageReply(page, JobRoutes::dto))).paged();
    t.add(HttpMethod.GET, ONE, p, "Jobs_Get", 200, "Get a job with its progress",
        call -> jobs.get(call.path("jobId")).map(j -> Reply.ok(dto(j))));
    t.add(HttpMethod.PUT, ONE, p, "Jobs_Create", 200, "Create and start a job (answers at once, status pending); "
        + "dryRun=true validates it and answers what it would do, storing nothing (a Flotilla extension)",
        this::create).accepts(QueryParameter.always("dryRun", "true: validate and size the job without storing it"));
    t.add(HttpMethod.GET, ONE + "/devices", p, "Jobs_GetDevices", 200,
        "Per-device results (paged JSON; format=csv or Accept: text/csv streams CSV; status=pending, completed or "
            + "failed: only those, a Flotilla extension)", this::devices).paged()
        .accepts(QueryParameter.always("format", "csv streams every entry as CSV"),
            QueryParameter.always("status", "pending, completed or failed: only those"));
    t.add(HttpMethod.GET, ONE + "/devices/{deviceId}", p, "Jobs_GetDevice", 200,
        "One device's entry in the job with every attempt (a Flotilla extension)",
        call -> jobs.device(call.path("jobId"), call.path("deviceId")).map(d -> Reply.ok(deviceDto(d))));
    t.add(HttpMethod.PUT, ONE + "/rerun/{rerunId}", p, "Jobs_Rerun", 200,
        "Create job rerunId over exactly the failed devices of this job",
        call -> jobs.rerun(call.path("jobId"), call.path("rerunId"), rerunOptions(call)).map(j -> Reply.ok(dto(j))));
    t.add(HttpMethod.POST, ONE + "/stop", p, "Jobs_Stop", 204, "Stop a running job",
        call -> jobs.stop(call.path("jobId")).map(v -> Reply.noContent()));
    t.add(HttpMethod.POST, ONE + "/resume", p, "Jobs_Resume", 204, "Resume a stopped job",
        call -> jobs.resume(call.path("jobId")).map(v -> Reply.noContent()));
  }

  /** A rerun's body may override the extensions of the job it reruns (null: carried over). */
  private static JobOptions rerunOptions(Call call) {
    if (!call.hasBody()) {
      return null;
    }
    ObjectNode body = call.objectBody();
    boolean any = body.has("delivery") || body.has("rollout") || body.has("continuous") || body.has("end");
    return any ? JobOptions.fromJson(body) : null;
  }

  private Future<Reply> create(Call call) {
    String dryRun = call.query("dryRun");
    if (dryRun != null && !"true".equals(dryRun) && !"false".equals(dryRun)) {
      throw new FlotillaException.Invalid("\"dryRun\" must be true or false.");
    }
    JobDefinition d = definition(call.objectBody());
    if (!"true".equals(dryRun)) {
      return jobs.create(call.path("jobId"), d, call.scope()).map(j -> Reply.ok(dto(j)));
    }
    return jobs.dryRun(call.path("jobId"), d, call.scope()).map(r -> {
      ObjectNode o = dto(r.job());
      o.putObject("dryRun").put("total", r.total()).put("templateMismatch", r.templateMismatch())
          .put("connected", r.connected()).put("batchSize", r.batchSize()).put("batchCount", r.batchCount());
      return Reply.ok(o);
    });
  }

  private Future<Reply> devices(Call call) {
    String format = call.query("format");
    String accept = call.header("Accept");
    boolean csv = "csv".equalsIgnoreCase(format) || (format == null && accept != null
        && accept.toLowerCase(Locale.ROOT).contains("text/csv"));
    String jobId = call.path("jobId");
    String status = call.query("status");
    if (!csv && status != null) {
      return jobs.devices(jobId, status, call.page()).map(page -> call.pageReply(page, JobRoutes::deviceDto));
    }
    if (!csv) {
      return jobs.devices(jobId, call.page()).map(page -> call.pageReply(page, JobRoutes::deviceDto));
    }
    return jobs.get(jobId).map(job -> {
      String[] after = {null};
      boolean[] header = {false};
      boolean[] done = {false};
      return Reply.stream("text/csv; charset=utf-8", () -> {
        if (done[0]) {
          return Future.succeededFuture(List.of());
        }
        return jobs.devices(jobId, new PageRequest(after[0], CSV_CHUNK)).map(page -> {
          List<String> lines = new ArrayList<>();
          if (!header[0]) {
            header[0] = true;
            lines.add("id,status,errorCode,errorMessage,responseCode,updatedAt,attempts,nextAttempt");
          }
          page.items().forEach(r -> lines.add(csvLine(r)));
          after[0] = page.nextKey().orElse(null);
          done[0] = page.nextKey().isEmpty();
          return lines;
        });
      });
    });
  }

  static JobDefinition definition(ObjectNode body) {
    List<JobItem> items = new ArrayList<>();
    for (JsonNode n : Fields.requiredArray(body, "data")) {
      if (!n.isObject()) {
        throw new FlotillaException.Invalid("Each \"data\" entry must be an object.");
      }
      ObjectNode o = (ObjectNode) n;
      items.add(new JobItem(Fields.requiredString(o, "type"), Fields.optionalString(o, "target"),
          Fields.optionalString(o, "path"), o.get("value"), Fields.optionalString(o, "template")));
    }
    return new JobDefinition(Fields.optionalString(body, "displayName"), Fields.optionalString(body, "description"),
        Fields.requiredString(body, "group"), items, batch(Fields.optionalObject(body, "batch")),
        threshold(Fields.optionalObject(body, "cancellationThreshold")), GroupRoutes.organizations(body),
        JobOptions.fromJson(body));
  }

  private static JobBatch batch(ObjectNode o) {
    return o == null ? null : new JobBatch(measure(o, "batch"), number(o, "batch"));
  }

  private static CancellationThreshold threshold(ObjectNode o) {
    if (o == null) {
      return null;
    }
    Boolean perBatch = Fields.optionalBoolean(o, "batch");
    return new CancellationThreshold(measure(o, "cancellationThreshold"), number(o, "cancellationThreshold"),
        Boolean.TRUE.equals(perBatch));
  }

  private static JobBatch.Measure measure(ObjectNode o, String field) {
    String type = Fields.optionalString(o, "type");
    if ("number".equals(type)) {
      return JobBatch.Measure.NUMBER;
    }
    if ("percentage".equals(type)) {
      return JobBatch.Measure.PERCENTAGE;
    }
    throw new FlotillaException.Invalid("\"" + field + ".type\" must be \"number\" or \"percentage\".");
  }

  private static double number(ObjectNode o, String field) {
    JsonNode v = o.get("value");
    if (v == null || !v.isNumber()) {
      throw new FlotillaException.Invalid("\"" + field + ".value\" is required and must be a number.");
    }
    return v.asDouble();
  }

  static ObjectNode dto(Job j) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", j.id());
    putDefinition(o, new JobDefinition(j.displayName(), j.description(), j.groupId(), j.items(), j.batch(),
        j.cancellationThreshold(), j.organizations(), j.options()));
    if (j.scheduledJobId() != null) {
      o.put("scheduledJobId", j.scheduledJobId());
    }
    if (j.start() != null) {
      o.put("start", j.start().toString());
    }
    if (j.end() != null) {
      o.put("end", j.end().toString());
    } else if (j.options().until() != null) {
      o.put("end", j.options().until().toString());
    }
    o.putObject("progress").put("total", j.progress().total()).put("pending", j.progress().pending())
        .put("completed", j.progress().completed()).put("failed", j.progress().failed());
    o.put("status", j.status().wire());
    if (j.failure() != null) {
      o.put("failure", j.failure());
    }
    if (j.statusReason() != null) {
      o.put("statusReason", j.statusReason());
    }
    GroupRoutes.putOrganizations(o, j.organizations());
    return o;
  }

  /** Writes {@code displayName} .. {@code data} of a job or scheduled job (not {@code organizations}). */
  static void putDefinition(ObjectNode o, JobDefinition d) {
    if (d.displayName() != null) {
      o.put("displayName", d.displayName());
    }
    if (d.description() != null) {
      o.put("description", d.description());
    }
    o.put("group", d.groupId());
    if (d.batch() != null) {
      ObjectNode b = o.putObject("batch").put("type", d.batch().type().name().toLowerCase(Locale.ROOT));
      b.set("value", number(d.batch().value()));
    }
    CancellationThreshold t = d.cancellationThreshold();
    if (t != null) {
      ObjectNode c = o.putObject("cancellationThreshold").put("type", t.type().name().toLowerCase(Locale.ROOT));
      c.set("value", number(t.value()));
      c.put("batch", t.perBatch());
    }
    d.options().toJson(o);
    if (d.options().until() != null) {
      o.put("end", d.options().until().toString());
    }
    ArrayNode data = o.putArray("data");
    for (JobItem i : d.items()) {
      ObjectNode e = data.addObject().put("type", i.type());
      if (i.target() != null) {
        e.put("target", i.target());
      }
      if (i.path() != null) {
        e.put("path", i.path());
      }
      if (i.value() != null) {
        e.set("value", i.value());
      }
      if (i.template() != null) {
        e.put("template", i.template());
      }
    }
  }

  private static JsonNode number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Json.MAPPER.getNodeFactory().numberNode((long) v) : Json.MAPPER.getNodeFactory().numberNode(v);
  }

  static ObjectNode deviceDto(JobDevice d) {
    DeviceResult r = d.result();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", r.deviceId());
    o.put("status", r.status().wire());
    boolean fin = r.status().isFinal();
    if (r.status() == DeviceJobStatus.FAILED && r.errorCode() != null) {
      o.putObject("error").put("code", r.errorCode()).put("message", r.errorMessage());
    }
    if (fin && r.responseCode() != null) {
      o.put("responseCode", r.responseCode());
    }
    if (fin && r.at() != null) {
      o.put("updated", r.at().toString());
    }
    ArrayNode attempts = o.putArray("attempts");
    for (Attempt a : d.attempts()) {
      ObjectNode e = attempts.addObject().put("n", a.n());
      if (a.at() != null) {
        e.put("at", a.at().toString());
      }
      e.put("status", a.status().wire());
      if (a.errorCode() != null) {
        e.putObject("error").put("code", a.errorCode()).put("message", a.errorMessage());
      }
      if (a.responseCode() != null) {
        e.put("responseCode", a.responseCode());
      }
    }
    if (d.nextAttempt() != null) {
      o.put("nextAttempt", d.nextAttempt().toString());
    }
    return o;
  }

  private static String csvLine(JobDevice d) {
    DeviceResult r = d.result();
    boolean fin = r.status().isFinal();
    return String.join(",", csv(r.deviceId()), r.status().wire(), csv(r.errorCode()), csv(r.errorMessage()),
        !fin || r.responseCode() == null ? "" : r.responseCode().toString(), fin && r.at() != null ? r.at().toString()
        : "", Integer.toString(d.attempts().size()), d.nextAttempt() == null ? "" : d.nextAttempt().toString());
  }

  private static String csv(String s) {
    if (s == null) {
      return "";
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
