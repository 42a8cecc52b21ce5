package io.flotilla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobItem;
import io.flotilla.domain.job.JobType;
import io.flotilla.domain.job.JobProgress;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.storage.sql.SqlJobRepository;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ApiClient.Response;
import io.flotilla.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/scheduledJobs} end to end on a real server, including the scheduler's own timer. */
class ScheduledJobsApiTest {
  private static final String TEMPLATE = "dtmi:contoso:SchedApiTruck;1";
  private static final String TEMPLATE_PATH = "/api/deviceTemplates/dtmi:contoso:SchedApiTruck%3B1";
  private static final String FUTURE = "2099-01-01T00:00:00Z";

  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    ok(api.put(TEMPLATE_PATH, """
        {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "Sched API truck",
         "capabilityModel": {"@id": "dtmi:contoso:SchedApiTruckModel;1", "@type": "Interface", "contents": [
           {"@type": "Command", "name": "reboot", "request": {"name": "delay", "schema": "integer"}},
           {"@type": "Property", "name": "target", "schema": "double", "writable": true}]}}
        """));
    ok(api.put("/api/deviceGroups/sched-trucks", "{\"displayName\": \"Trucks\", \"filter\": "
        + "\"SELECT * FROM devices WHERE $template = \\\"" + TEMPLATE + "\\\"\"}"));
    ok(api.put("/api/devices/sched-truck-1", "{\"displayName\": \"Truck 1\", \"template\": \"" + TEMPLATE + "\"}"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String body(String schedule) {
    return body(schedule, "");
  }

  private static String body(String schedule, String extra) {
    return "{\"displayName\": \"Nightly reboot\", \"description\": \"reboots\", \"group\": \"sched-trucks\", "
        + "\"data\": [{\"type\": \"command\", \"target\": \"" + TEMPLATE + "\", \"path\": \"reboot\", \"value\": 5}], "
        + (schedule == null ? "" : "\"schedule\": " + schedule + ", ") + extra
        + "\"batch\": {\"type\": \"number\", \"value\": 10}}";
  }

  private static JsonNode ok(Response r) {
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return r.json();
  }

  @Test
  void putCreatesWithDefaultsAndGetListAndReplaceAnswerTheStoredJob() {
    JsonNode created = ok(api.put("/api/scheduledJobs/sj-create", body(
        "{\"start\": \"" + FUTURE + "\", \"recurrence\": \"weekly\", \"end\": {\"type\": \"occurrences\", "
            + "\"occurrences\": 4}}")));
    assertThat(created.path("id").asText()).isEqualTo("sj-create");
    assertThat(created.path("etag").asText()).isNotBlank();
    assertThat(created.path("enabled").asBoolean()).as("enabled defaults to true").isTrue();
    assertThat(created.path("completed").isBoolean()).isTrue();
    assertThat(created.path("completed").asBoolean()).isFalse();
    assertThat(created.path("group").asText()).isEqualTo("sched-trucks");
    assertThat(created.path("batch").path("value").asInt()).isEqualTo(10);
    assertThat(created.path("data").get(0).path("path").asText()).isEqualTo("reboot");
    assertThat(created.path("data").get(0).path("value").asInt()).isEqualTo(5);
    JsonNode schedule = created.path("schedule");
    assertThat(schedule.path("start").asText()).isEqualTo(FUTURE);
    assertThat(schedule.path("recurrence").asText()).isEqualTo("weekly");
    assertThat(schedule.path("end").path("type").asText()).isEqualTo("occurrences");
    assertThat(schedule.path("end").path("occurrences").asInt()).isEqualTo(4);

    assertThat(ok(api.get("/api/scheduledJobs/sj-create"))).isEqualTo(created);

    JsonNode replaced = ok(api.put("/api/scheduledJobs/sj-create", body(
        "{\"start\": \"" + FUTURE + "\", \"end\": {\"type\": \"date\", \"date\": \"2099-02-01\"}}",
        "\"enabled\": false, \"etag\": " + ApiClient.JSON.valueToTree(created.path("etag").asText()) + ", ")));
    assertThat(replaced.path("enabled").asBoolean()).as("explicit false honoured").isFalse();
    assertThat(replaced.path("schedule").has("recurrence")).isFalse();
    assertThat(replaced.path("schedule").path("end").path("date").asText()).isEqualTo("2099-02-01");
    assertThat(replaced.path("etag").asText()).isNotEqualTo(created.path("etag").asText());
    assertThat(ok(api.get("/api/scheduledJobs/sj-create")).path("enabled").asBoolean()).isFalse();
  }

  @Test
  void listIsKeysetPagedWithANextLink() {
    for (String id : List.of("sj-page-1", "sj-page-2", "sj-page-3")) {
      ok(api.put("/api/scheduledJobs/" + id, body("{\"start\": \"" + FUTURE + "\"}")));
    }
    List<String> ids = new ArrayList<>();
    String next = "/api/scheduledJobs?maxpagesize=1";
    int pages = 0;
    while (next != null) {
      JsonNode page = ok(api.get(next));
      assertThat(page.path("value").size()).isLessThanOrEqualTo(1);
      page.path("value").forEach(v -> ids.add(v.path("id").asText()));
      URI link = page.has("nextLink") ? URI.create(page.path("nextLink").asText()) : null;
      next = link == null ? null : link.getRawPath() + "?" + link.getRawQuery();
      assertThat(++pages).isLessThan(100);
    }
    assertThat(ids).contains("sj-page-1", "sj-page-2", "sj-page-3").doesNotHaveDuplicates().isSorted();
    assertThat(pages).isGreaterThanOrEqualTo(3);
  }

  @Test
  void badInputIs400InTheStandardErrorShape() {
    String start = "\"start\": \"" + FUTURE + "\"";
    List<String> bad = List.of(
        body(null),
        body("{\"recurrence\": \"daily\"}"),
        body("{\"start\": \"tomorrow\"}"),
        body("{" + start + ", \"recurrence\": \"yearly\"}"),
        body("{" + start + ", \"recurrence\": \"daily\", \"end\": {\"type\": \"occurrences\", \"occurrences\": 0}}"),
        body("{" + start + ", \"recurrence\": \"daily\", \"end\": {\"type\": \"occurrences\", \"occurrences\": 1000}}"),
        body("{" + start + ", \"end\": {\"type\": \"never\"}}"),
        body("{" + start + ", \"end\": {\"type\": \"date\", \"date\": \"2098-12-31\"}}"),
        body("{" + start + "}", "\"enabled\": \"yes\", "),
        body("{" + start + "}").replace("\"path\": \"reboot\"", "\"path\": \"explode\""),
        body("{" + start + "}").replace("\"value\": 5", "\"value\": \"five\""),
        body("{" + start + "}").replace("\"type\": \"command\"", "\"type\": \"teleport\""),
        body("{" + start + "}").replace("\"data\": [{", "\"data\": [], \"x\": [{"),
        body("{" + start + "}").replace("sched-trucks", "no-such-group"),
        body("{" + start + "}").replace("\"group\": \"sched-trucks\", ", ""));
    for (String b : bad) {
      Response r = api.put("/api/scheduledJobs/sj-bad", b);
      assertThat(r.status()).as("%s -> %s", b, r).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("BadRequest");
      assertThat(r.errorCodeHeader()).isEqualTo("BadRequest");
      assertThat(r.json().path("error").path("message").asText()).isNotBlank();
    }
    assertThat(api.get("/api/scheduledJobs/sj-bad").status()).as("nothing was stored").isEqualTo(404);

    Response badId = api.put("/api/scheduledJobs/bad.id", body("{" + start + "}"));
    assertThat(badId.status()).as("%s", badId).isEqualTo(400);
    Response tooLong = api.put("/api/scheduledJobs/" + "a".repeat(256), body("{" + start + "}"));
    assertThat(tooLong.status()).as("%s", tooLong).isEqualTo(400);
    assertThat(api.put("/api/scheduledJobs/" + "a".repeat(255), body("{" + start + "}")).status()).isEqualTo(200);
  }

  @Test
  void staleEtagsAre412OnPutAndPatch() {
    JsonNode created = ok(api.put("/api/scheduledJobs/sj-etag", body("{\"start\": \"" + FUTURE + "\"}")));
    String etag = ApiClient.JSON.valueToTree(created.path("etag").asText()).toString();
    JsonNode patched = ok(api.patch("/api/scheduledJobs/sj-etag", "{\"displayName\": \"Renamed\", \"etag\": "
        + etag + "}"));
    assertThat(patched.path("displayName").asText()).isEqualTo("Renamed");

    Response stalePut = api.put("/api/scheduledJobs/sj-etag", body("{\"start\": \"" + FUTURE + "\"}",
        "\"etag\": " + etag + ", "));
    assertThat(stalePut.status()).as("%s", stalePut).isEqualTo(412);
    assertThat(stalePut.errorCode()).isEqualTo("PreconditionFailed");
    Response stalePatch = api.patch("/api/scheduledJobs/sj-etag", "{\"description\": \"x\", \"etag\": " + etag + "}");
    assertThat(stalePatch.status()).as("%s", stalePatch).isEqualTo(412);
    assertThat(ok(api.get("/api/scheduledJobs/sj-etag")).path("description").asText()).isEqualTo("reboots");
  }

  @Test
  void patchMergesIntoTheStoredJobAndValidatesTheResult() {
    ok(api.put("/api/scheduledJobs/sj-patch", body("{\"start\": \"" + FUTURE + "\", \"recurrence\": \"daily\"}")));
    JsonNode patched = ok(api.patch("/api/scheduledJobs/sj-patch",
        "{\"enabled\": false, \"description\": null, \"schedule\": {\"end\": {\"type\": \"occurrences\", "
            + "\"occurrences\": 3}}}"));
    assertThat(patched.path("enabled").asBoolean()).isFalse();
    assertThat(patched.has("description")).as("null removes").isFalse();
    assertThat(patched.path("displayName").asText()).isEqualTo("Nightly reboot");
    assertThat(patched.path("schedule").path("recurrence").asText()).as("kept").isEqualTo("daily");
    assertThat(patched.path("schedule").path("end").path("occurrences").asInt()).isEqualTo(3);

    Response bad = api.patch("/api/scheduledJobs/sj-patch", "{\"schedule\": {\"recurrence\": \"yearly\"}}");
    assertThat(bad.status()).as("%s", bad).isEqualTo(400);
    Response noGroup = api.patch("/api/scheduledJobs/sj-patch", "{\"group\": \"no-such-group\"}");
    assertThat(noGroup.status()).as("%s", noGroup).isEqualTo(400);
    Response noStart = api.patch("/api/scheduledJobs/sj-patch", "{\"schedule\": {\"start\": null}}");
    assertThat(noStart.status()).as("%s", noStart).isEqualTo(400);
    assertThat(ok(api.get("/api/scheduledJobs/sj-patch")).path("schedule").path("recurrence").asText())
        .isEqualTo("daily");
    assertThat(api.patch("/api/scheduledJobs/sj-nope", "{\"enabled\": true}").status()).isEqualTo(404);
  }

  @Test
  void patchIs409WhileOneOfItsJobsIsRunning() throws Exception {
    ok(api.put("/api/scheduledJobs/sj-busy", body("{\"start\": \"" + FUTURE + "\"}")));
    // A run that is still going: stored directly (the engine is not watching it, so it stays running).
    SqlJobRepository jobs = new SqlJobRepository(server.server().wiring().database());
    String jobId = UUID.randomUUID().toString();
    Job running = new Job(jobId, "Nightly reboot - 1", null, "sched-trucks", JobType.COMMAND,
        List.of(new JobItem("command", TEMPLATE, "reboot", null, null)), null, null, JobStatus.RUNNING, "sj-busy",
        List.of(), Instant.now(), Instant.now(), null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null);
    jobs.insert(running).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    Response conflict = api.patch("/api/scheduledJobs/sj-busy", "{\"enabled\": false}");
    assertThat(conflict.status()).as("%s", conflict).isEqualTo(409);
    assertThat(conflict.errorCode()).isEqualTo("Conflict");
    assertThat(ok(api.get("/api/scheduledJobs/sj-busy")).path("enabled").asBoolean()).isTrue();

    jobs.transition(jobId, EnumSet.of(JobStatus.RUNNING), JobStatus.COMPLETE, Instant.now(), null)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(ok(api.patch("/api/scheduledJobs/sj-busy", "{\"enabled\": false}")).path("enabled").asBoolean())
        .isFalse();
  }

  @Test
  void deleteIs204ThenTheJobIsGone() {
    ok(api.put("/api/scheduledJobs/sj-delete", body("{\"start\": \"" + FUTURE + "\"}")));
    Response deleted = api.delete("/api/scheduledJobs/sj-delete");
    assertThat(deleted.status()).as("%s", deleted).isEqualTo(204);
    assertThat(deleted.text()).isNullOrEmpty();
    assertThat(api.get("/api/scheduledJobs/sj-delete").status()).isEqualTo(404);
    assertThat(api.get("/api/scheduledJobs/sj-delete/jobs").status()).isEqualTo(404);
    assertThat(api.delete("/api/scheduledJobs/sj-delete").status()).isEqualTo(404);
  }

  @Test
  void aScheduleStartingASecondFromNowSpawnsItsJobWhichListsUnderTheScheduledJob() {
    String start = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS).toString();
    JsonNode created = ok(api.put("/api/scheduledJobs/sj-soon", body("{\"start\": \"" + start + "\"}")));
    assertThat(created.path("completed").asBoolean()).isFalse();
    assertThat(ok(api.get("/api/scheduledJobs/sj-soon/jobs")).path("value").size()).isZero();

    JsonNode[] runs = new JsonNode[1];
    await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      runs[0] = ok(api.get("/api/scheduledJobs/sj-soon/jobs")).path("value");
      assertThat(runs[0].size()).isEqualTo(1);
    });
    JsonNode run = runs[0].get(0);
    assertThat(run.path("scheduledJobId").asText()).isEqualTo("sj-soon");
    assertThat(run.path("displayName").asText()).isEqualTo("Nightly reboot - 1");
    assertThat(run.path("description").asText()).isEqualTo("reboots");
    assertThat(run.path("group").asText()).isEqualTo("sched-trucks");
    String jobId = run.path("id").asText();
    assertThat(UUID.fromString(jobId).toString()).isEqualTo(jobId);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(ok(api.get("/api/scheduledJobs/sj-soon")).path("completed").asBoolean()).isTrue());
    // An ordinary job: listed by /jobs, run by the engine over the group's members at run time (offline -> failed).
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode job = ok(api.get("/api/jobs/" + jobId));
      assertThat(job.path("scheduledJobId").asText()).isEqualTo("sj-soon");
      assertThat(job.path("status").asText()).isEqualTo("complete");
      assertThat(job.path("progress").path("total").asInt()).isEqualTo(1);
      assertThat(job.path("progress").path("failed").asInt()).isEqualTo(1);
    });
    JsonNode devices = ok(api.get("/api/jobs/" + jobId + "/devices")).path("value");
    assertThat(devices.get(0).path("id").asText()).isEqualTo("sched-truck-1");
    assertThat(devices.get(0).path("error").path("code").asText()).isEqualTo("DeviceNotOnline");

    // Once completed, a patch is allowed again and does not start another run.
    ok(api.patch("/api/scheduledJobs/sj-soon", "{\"displayName\": \"Renamed\"}"));
    assertThat(ok(api.get("/api/scheduledJobs/sj-soon/jobs")).path("value").size()).isEqualTo(1);
  }
}
