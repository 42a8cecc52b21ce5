package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.export.DataExport;
import io.flotilla.domain.export.ExportDestination;
import io.flotilla.domain.export.ExportDestination.Authorization;
import io.flotilla.domain.export.ExportDestination.Customization;
import io.flotilla.domain.export.ExportOutbox;
import io.flotilla.domain.export.ExportOutbox.Delivery;
import io.flotilla.domain.device.ExportSource;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobEventSink;
import io.flotilla.domain.job.JobItem;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobProgress;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.domain.job.JobType;
import io.flotilla.storage.sql.SqlExportOutbox;
import io.flotilla.storage.sql.SqlExportRepository;
import io.flotilla.storage.sql.SqlJobRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.export.ExportRepository} and {@link ExportOutbox} promise, on every database. */
abstract class ExportRepositoryContract extends RepositoryContract {
  static final Instant T0 = Instant.parse("2030-05-06T07:08:09.123456Z");

  SqlExportRepository repo;
  SqlExportOutbox outbox;

  @BeforeEach
  void repositories() {
    repo = new SqlExportRepository(db);
    outbox = new SqlExportOutbox(db);
  }

  static ExportDestination webhook(String id) {
    return new ExportDestination(id, "Hook " + id, ExportDestination.WEBHOOK, "https://example.test/" + id,
        Map.of(), Map.of(), Authorization.NONE, "secret-of-" + id + "-0123456789");
  }

  static DataExport export(String id, boolean enabled, ExportSource source, String... destinations) {
    return new DataExport(id, "Export " + id, enabled, source, Map.of(), List.of(destinations));
  }

  List<Delivery> due(String destination, Instant now) {
    return await(outbox.due(destination, now, 100, Set.of()));
  }

  static ExportOutbox.Message message(String destination, String export, String body, Instant at) {
    return new ExportOutbox.Message(destination, export, body, at);
  }

  @Test
  void aDestinationRoundTripsEveryFieldAndAPutReplacesIt() {
    ExportDestination full = new ExportDestination("d-1", UNICODE, ExportDestination.WEBHOOK,
        "https://example.test/hook?x=1", Map.of("code", new Customization("a&b=c " + UNICODE, true)),
        Map.of("x-region", new Customization("west", false), "x-key", new Customization("k€y", true)),
        new Authorization("header", "Bearer abc"), "s3cret-" + UNICODE);
    assertThat(await(repo.putDestination(full))).isFalse();
    assertThat(await(repo.destination("d-1"))).contains(full);
    ExportDestination replaced = webhook("d-1");
    assertThat(await(repo.putDestination(replaced))).isTrue();
    assertThat(await(repo.destination("d-1"))).contains(replaced);
    assertThat(await(repo.destination("absent"))).isEmpty();
    assertThat(await(repo.allDestinations())).containsExactly(replaced);
  }

  @Test
  void destinationsAndExportsPageInIdOrder() {
    List<String> ids = new ArrayList<>();
    for (String id : List.of("m", "b", "z", "a", "k")) {
      await(repo.putDestination(webhook(id)));
      await(repo.putExport(export("e-" + id, true, ExportSource.TELEMETRY, id)));
      ids.add(id);
    }
    assertThat(readAllPages(p -> repo.destinations(p), 2, ExportDestination::id))
        .extracting(ExportDestination::id).containsExactly("a", "b", "k", "m", "z");
    assertThat(readAllPages(p -> repo.exports(p), 2, DataExport::id))
        .extracting(DataExport::id).containsExactly("e-a", "e-b", "e-k", "e-m", "e-z");
  }

  @Test
  void anExportRoundTripsItsDestinationsInOrderAndEnabledExportsAreTheEnabledOnes() {
    for (String d : List.of("d-1", "d-2", "d-3")) {
      await(repo.putDestination(webhook(d)));
    }
    DataExport jobs = new DataExport("x-1", UNICODE, true, ExportSource.JOBS, Map.of("site", UNICODE, "n", "1"),
        List.of("d-3", "d-1"));
    DataExport off = export("x-2", false, ExportSource.TELEMETRY, "d-2");
    assertThat(await(repo.putExport(jobs))).isFalse();
    assertThat(await(repo.putExport(off))).isFalse();
    assertThat(await(repo.export("x-1"))).contains(jobs);
    assertThat(await(repo.enabledExports())).containsExactly(jobs);

    DataExport moved = new DataExport("x-1", "renamed", true, ExportSource.JOBS, Map.of(), List.of("d-2"));
    assertThat(await(repo.putExport(moved))).isTrue();
    assertThat(await(repo.export("x-1"))).contains(moved);
    assertThat(await(repo.exportsTo("d-2", PageRequest.first(10))).items()).extracting(DataExport::id)
        .containsExactly("x-1", "x-2");
    assertThat(await(repo.exportsTo("d-1", PageRequest.first(10))).items()).isEmpty();
    assertThat(await(repo.deleteExport("x-1"))).isTrue();
    assertThat(await(repo.deleteExport("x-1"))).isFalse();
    assertThat(await(repo.enabledExports())).isEmpty();
  }

  @Test
  void theOutboxAnswersDueMessagesOldestFirstPerDestinationUntilTheyAreDelivered() {
    await(outbox.enqueue(List.of(message("a", "x", "{\"n\":1}", T0), message("b", "x", "{\"n\":2}", T0),
        message("a", "x", "{\"n\":3," + "\"u\":\"" + UNICODE.replace("\\", "\\\\").replace("\"", "\\\"")
            .replace("\n", "\\n").replace("\t", "\\t") + "\"}", T0.plusMillis(1)))));
    List<Delivery> a = due("a", T0.plusSeconds(1));
    assertThat(a).extracting(Delivery::body).hasSize(2).first().isEqualTo("{\"n\":1}");
    assertThat(a.get(1).body()).contains(UNICODE.substring(0, 8));
    assertThat(a.get(0).id()).isLessThan(a.get(1).id());
    assertThat(a.get(0)).extracting(Delivery::destinationId, Delivery::exportId, Delivery::jobId, Delivery::attempts,
        Delivery::created).containsExactly("a", "x", null, 0, T0);
    assertThat(due("a", T0.minusSeconds(1))).as("not yet").isEmpty();
    assertThat(await(outbox.due("a", T0.plusSeconds(1), 100, Set.of(a.get(0).id())))).containsExactly(a.get(1));
    assertThat(await(outbox.due("a", T0.plusSeconds(1), 1, Set.of()))).containsExactly(a.get(0));

    await(outbox.failed(a.get(0).id(), 1, T0.plusSeconds(30), "HTTP 503"));
    assertThat(due("a", T0.plusSeconds(1))).containsExactly(a.get(1));
    List<Delivery> later = due("a", T0.plusSeconds(30));
    assertThat(later).extracting(Delivery::id).containsExactly(a.get(0).id(), a.get(1).id());
    assertThat(later.get(0).attempts()).isEqualTo(1);

    await(outbox.delivered(List.of(a.get(0).id(), a.get(1).id())));
    assertThat(due("a", T0.plusSeconds(60))).isEmpty();
    assertThat(await(outbox.waiting("a"))).isZero();
    assertThat(await(outbox.waiting("b"))).isEqualTo(1);
  }

  @Test
  void deletingAnExportOrADestinationOrARouteDropsItsMessagesOnly() {
    for (String d : List.of("a", "b")) {
      await(repo.putDestination(webhook(d)));
    }
    await(repo.putExport(export("x", true, ExportSource.TELEMETRY, "a", "b")));
    await(repo.putExport(export("y", true, ExportSource.PROPERTIES, "a")));
    await(outbox.enqueue(List.of(message("a", "x", "1", T0), message("b", "x", "2", T0), message("a", "y", "3", T0))));

    await(repo.putExport(export("x", true, ExportSource.TELEMETRY, "a")));
    assertThat(due("b", T0)).as("x no longer sends to b").isEmpty();
    assertThat(due("a", T0)).extracting(Delivery::body).containsExactly("1", "3");
    await(repo.deleteExport("x"));
    assertThat(due("a", T0)).extracting(Delivery::body).containsExactly("3");
    assertThat(await(repo.deleteDestination("a"))).isTrue();
    assertThat(due("a", T0)).isEmpty();
    assertThat(await(repo.export("y")).orElseThrow().destinations()).isEmpty();
    assertThat(await(repo.deleteDestination("a"))).isFalse();
  }

  @Test
  void aJobsLogEntryIsQueuedByTheJobsOwnWriteAndAnsweredAsAReference() {
    await(repo.putDestination(webhook("hook")));
    await(repo.putExport(export("jobs", true, ExportSource.JOBS, "hook")));
    SqlJobRepository jobs = new SqlJobRepository(db, new JobEventSink() {
      @Override
      public void appended(String jobId) {
      }

      @Override
      public boolean exported() {
        return true;
      }
    });
    await(jobs.insert(new Job("j-1", null, null, "g", JobType.COMMAND, List.of(new JobItem("command", "dtmi:x;1",
        "reboot", null, null)), null, null, JobStatus.PENDING, null, List.of(), T0, null, null, JobProgress.NONE, 0, 0,
        null, null, JobOptions.NONE, null)));
    List<Delivery> due = due("hook", T0);
    assertThat(due).hasSize(1);
    assertThat(due.get(0)).extracting(Delivery::body, Delivery::jobId, Delivery::jobEntry, Delivery::exportId)
        .containsExactly(null, "j-1", 1L, "jobs");
  }
}
