package io.flotilla.api.http;

import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.job.JobEventId;
import io.flotilla.domain.job.JobEvents;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;

/**
 * {@code GET /jobs/{jobId}/events} (a Flotilla extension): the job's status changes, progress and device outcomes as
 * Server-Sent Events, from the start of its log or after {@code Last-Event-ID}; see docs/jobs.md "Events".
 */
public final class JobEventRoutes implements ResourceRoutes {
  private final JobEvents events;
  private final Vertx vertx;
  private final Clock clock;

  public JobEventRoutes(JobEvents events, Vertx vertx, Clock clock) {
    this.events = events;
    this.vertx = vertx;
    this.clock = clock;
  }

  @Override
  public void register(RouteTable t) {
    t.add(HttpMethod.GET, "/api/jobs/{jobId}/events", Permission.OPERATE_DEVICES, "Jobs_GetEvents", 200,
        "The job's status changes, progress and device outcomes as Server-Sent Events (text/event-stream); "
            + "Last-Event-ID (or lastEventId) resumes after an event (a Flotilla extension)", call -> {
          String jobId = call.path("jobId");
          String last = call.header("Last-Event-ID");
          if (last == null || last.isBlank()) {
            last = call.query("lastEventId");
          }
          JobEventId after = last == null || last.isBlank() ? JobEventId.START : JobEventId.parse(last);
          return events.after(jobId, after, JobEventStream.PAGE).map(first ->
              Reply.eventStream(new JobEventStream(events, jobId, after, first, vertx, clock)));
        }).accepts(QueryParameter.always("lastEventId", "Resume after this event (or the Last-Event-ID header)"));
  }
}
