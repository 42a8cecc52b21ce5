package io.flotilla.storage.sql;

import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.domain.job.Claim;
import io.flotilla.domain.job.Claimed;
import io.flotilla.domain.job.DeviceResult;
import io.flotilla.domain.job.DeviceSource;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobEventId;
import io.flotilla.domain.job.JobEventPage;
import io.flotilla.domain.job.JobItem;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobProgress;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.domain.job.JobType;
import io.flotilla.domain.job.Outcome;
import io.flotilla.testing.ScratchDirectories;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A rough measurement, not a test: the engine's fast path on H2 (expansion of 10,000 devices, two claims of 5,000,
 * two result writes of 5,000) and a read of the job's whole event log, repeated, with the medians printed. Run it with
 * {@code mvn -o -q test -Dtest=JobResultCostProbe -Dflotilla.probe=true} (docs/architecture.md quotes it).
 */
@EnabledIfSystemProperty(named = "flotilla.probe", matches = "true")
class JobResultCostProbe {
  private static final int DEVICES = 10_000;
  private static final int ROUNDS = 15;
  private static final String TEMPLATE = "dtmi:probe:truck;1";

  @Test
  void measure() throws Exception {
    Vertx vertx = Vertx.vertx();
    Path dir = ScratchDirectories.create("probe");
    Database db = Database.open(vertx, "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", null, null, null);
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO devices (id, display_name, template_id, enabled, simulated, provisioned, etag, "
          + "attestation, created_at) SELECT 'd-' || LPAD(CAST(X AS VARCHAR), 6, '0'), 'd', '" + TEMPLATE
          + "', TRUE, FALSE, FALSE, 'e', '{}', CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, " + DEVICES + ")");
    }
    SqlJobRepository jobs = new SqlJobRepository(db);
    SqlJobWork work = new SqlJobWork(db);
    long[] expand = new long[ROUNDS];
    long[] claim = new long[ROUNDS];
    long[] record = new long[ROUNDS];
    long[] replay = new long[ROUNDS];
    SqlJobEventLog log = new SqlJobEventLog(db);
    for (int round = 0; round < ROUNDS; round++) {
      String id = "probe-" + round;
      Instant now = Instant.now();
      Job job = new Job(id, id, null, "g", JobType.COMMAND, List.of(new JobItem("command", TEMPLATE, "reboot", null,
          null)), null, null, JobStatus.PENDING, null, List.of(), now, null, null, JobProgress.NONE, 0, 0, null, null,
          JobOptions.NONE, null);
      await(jobs.insert(job));
      long t0 = System.nanoTime();
      await(work.expand(job, new DeviceSource.Matching(FilterParser.parse("SELECT * FROM devices")), Set.of(TEMPLATE),
          n -> 0, now));
      long t1 = System.nanoTime();
      List<Claimed> claimed = new ArrayList<>();
      for (int i = 0; i < DEVICES / 5000; i++) {
        Claim cl = await(work.claim(id, DEVICES, 5000, "probe#1", now.plusSeconds(60)));
        claimed.addAll(cl.devices());
      }
      long t2 = System.nanoTime();
      for (int from = 0; from < claimed.size(); from += 5000) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Claimed c : claimed.subList(from, Math.min(claimed.size(), from + 5000))) {
          outcomes.add(Outcome.last(c, DeviceResult.completed(c.seq(), c.deviceId(), 200, now)));
        }
        await(work.record(id, outcomes, Set.of(outcomes.get(0).leaseId())));
      }
      long t3 = System.nanoTime();
      JobEventId at = JobEventId.START;
      int events = 0;
      while (true) {
        JobEventPage page = await(log.after(id, at, 500)).orElseThrow();
        if (page.events().isEmpty()) {
          break;
        }
        events += page.events().size();
        at = page.lastId(at);
      }
      if (events != DEVICES + 2) {
        throw new AssertionError("read " + events + " events");
      }
      replay[round] = System.nanoTime() - t3;
      expand[round] = t1 - t0;
      claim[round] = t2 - t1;
      record[round] = t3 - t2;
    }
    System.out.printf("PROBE %d devices x %d rounds: expand %s ms, claims %s ms, results %s ms, whole log read in "
        + "pages of 500 %s ms (median; warm half)%n", DEVICES, ROUNDS, median(expand), median(claim), median(record),
        median(replay));
    db.close();
    vertx.close();
  }

  private static String median(long[] nanos) {
    long[] warm = Arrays.copyOfRange(nanos, nanos.length / 2, nanos.length);
    Arrays.sort(warm);
    return String.format("%.1f", warm[warm.length / 2] / 1e6);
  }

  private static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }
}
