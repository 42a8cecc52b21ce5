package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.job.JobSchedule;
import io.flotilla.domain.job.ScheduledJob;
import io.flotilla.domain.job.ScheduledJobService;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** {@code /scheduledJobs}: create or replace, merge-patch, read, delete, and the jobs each one started. */
public final class ScheduledJobRoutes implements ResourceRoutes {
  private static final String ONE = "/api/scheduledJobs/{scheduledJobId}";
  private static final String ID = "scheduledJobId";
  private final ScheduledJobService scheduled;

  public ScheduledJobRoutes(ScheduledJobService scheduled) {
    this.scheduled = scheduled;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, "/api/scheduledJobs", p, "ScheduledJobs_List", 200, "List scheduled jobs",
        call -> scheduled.list(call.scope(), call.page()).map(page -> call.pageReply(page, ScheduledJobRoutes::dto)))
        .paged();
    t.add(HttpMethod.GET, ONE, p, "ScheduledJobs_Get", 200, "Get a scheduled job",
        call -> scheduled.get(call.path(ID)).map(j -> Reply.ok(dto(j))));
    t.add(HttpMethod.PUT, ONE, p, "ScheduledJobs_Create", 200, "Create or replace a scheduled job",
        call -> scheduled.put(call.path(ID), definition(call.objectBody()), call.scope()).map(j -> Reply.ok(dto(j))));
    t.add(HttpMethod.PATCH, ONE, p, "ScheduledJobs_Update", 200,
        "Update a scheduled job (merge patch; 409 while one of its jobs is pending or running)", call -> {
          ObjectNode patch = call.objectBody();
          return scheduled.patch(call.path(ID), Fields.optionalString(patch, "etag"),
              stored -> definition(MergePatch.apply(dto(stored), patch)), call.scope()).map(j -> Reply.ok(dto(j)));
        });
    t.add(HttpMethod.DELETE, ONE, p, "ScheduledJobs_Remove", 204, "Delete a scheduled job (its jobs stay)",
        call -> scheduled.delete(call.path(ID)).map(v -> Reply.noContent()));
    t.add(HttpMethod.GET, ONE + "/jobs", p, "ScheduledJobs_ListJobs", 200, "List the jobs a scheduled job started",
        call -> scheduled.jobs(call.path(ID), call.page()).map(page -> call.pageReply(page, JobRoutes::dto))).paged();
  }

  /** A PUT body (or a merged PATCH document); the job part is read exactly like a job's. */
  static ScheduledJobService.Definition definition(ObjectNode body) {
    JobSchedule schedule = schedule(Fields.requiredObject(body, "schedule"));
    return new ScheduledJobService.Definition(JobRoutes.definition(body), schedule,
        Fields.optionalBoolean(body, "enabled"), Fields.optionalString(body, "etag"));
  }

  static JobSchedule schedule(ObjectNode s) {
    String startText = Fields.optionalString(s, "start");
    if (startText == null) {
      throw new FlotillaException.Invalid("\"schedule.start\" is required: an RFC 3339 date-time such as "
          + "2030-01-31T12:00:00Z.");
    }
    Instant start = instant(startText);
    String rec = Fields.optionalString(s, "recurrence");
    JobSchedule.Recurrence recurrence = rec == null ? null : JobSchedule.Recurrence.fromWire(rec).orElseThrow(
        () -> new FlotillaException.Invalid("\"schedule.recurrence\" must be \"daily\", \"weekly\" or \"monthly\" "
            + "(absent: once), not \"" + rec + "\"."));
    ObjectNode end = Fields.optionalObject(s, "end");
    if (end == null) {
      return new JobSchedule(start, recurrence, null, null);
    }
    String type = Fields.optionalString(end, "type");
    if ("date".equals(type)) {
      String date = Fields.requiredString(end, "date");
      try {
        return new JobSchedule(start, recurrence, LocalDate.parse(date), null);
      } catch (DateTimeParseException e) {
        throw new FlotillaException.Invalid("\"schedule.end.date\" must be a date such as 2030-12-31, not \""
            + date + "\".");
      }
    }
    if ("occurrences".equals(type)) {
      Integer n = Fields.optionalInt(end, "occurrences", 1, JobSchedule.MAX_OCCURRENCES);
      if (n == null) {
        throw new FlotillaException.Invalid("\"schedule.end.occurrences\" is required: a number from 1 to "
            + JobSchedule.MAX_OCCURRENCES + ".");
      }
      return new JobSchedule(start, recurrence, null, n);
    }
    throw new FlotillaException.Invalid("\"schedule.end.type\" must be \"date\" or \"occurrences\".");
  }

  private static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new FlotillaException.Invalid("\"schedule.start\" must be an RFC 3339 date-time such as "
          + "2030-01-31T12:00:00Z, not \"" + text + "\".");
    }
  }

  static ObjectNode dto(ScheduledJob j) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", j.id());
    o.put("etag", j.etag());
    JobRoutes.putDefinition(o, j.definition());
    JobSchedule s = j.schedule();
    ObjectNode schedule = o.putObject("schedule").put("start", s.start().toString());
    if (s.recurrence() != null) {
      schedule.put("recurrence", s.recurrence().wire());
    }
    if (s.endDate() != null) {
      schedule.putObject("end").put("type", "date").put("date", s.endDate().toString());
    } else if (s.occurrences() != null) {
      schedule.putObject("end").put("type", "occurrences").put("occurrences", s.occurrences());
    }
    o.put("enabled", j.enabled());
    o.put("completed", j.completed());
    GroupRoutes.putOrganizations(o, j.definition().organizations());
    return o;
  }
}
