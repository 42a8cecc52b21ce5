package io.flotilla.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.domain.job.DeviceJobStatus;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobEvent;
import io.flotilla.domain.job.JobEventId;
import io.flotilla.domain.job.JobEventLog;
import io.flotilla.domain.job.JobEventPage;
import io.flotilla.domain.job.JobEvents;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobProgress;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.domain.job.JobType;
import io.flotilla.testing.ManualClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JobEventStream} over a synthetic log: how much it reads (one page per pull, nothing unasked), how it waits
 * (for the next append, not a timer), progress pacing and its end, and what closing releases.
 */
class JobEventStreamTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final ManualClock clock = new ManualClock(T0);
  private final SyntheticLog log = new SyntheticLog();
  private final JobEvents events = new JobEvents(log);

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A job's log of {@code size} device outcomes, one per entry; final when {@code done}. */
  static final class SyntheticLog implements JobEventLog {
    volatile long size;
    volatile boolean done;
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Future<Optional<JobEventPage>> after(String jobId, JobEventId after, int limit) {
      reads.incrementAndGet();
      long n = size;
      List<JobEvent> out = new ArrayList<>();
      for (long e = after.entry() + 1; e <= n && out.size() < limit; e++) {
        out.add(new JobEvent.DeviceOutcome(new JobEventId(e, 1), "d-" + e, DeviceJobStatus.COMPLETED, null, null, 200,
            1, true, T0));
      }
      Job job = new Job(jobId, null, null, "g", JobType.COMMAND, List.of(), null, null,
          done ? JobStatus.COMPLETE : JobStatus.RUNNING, null, List.of(), T0, T0, null,
          new JobProgress(1_000_000, (int) (1_000_000 - n), (int) n, 0), 0, 0, null, null, JobOptions.NONE, null);
      boolean end = out.isEmpty() || out.get(out.size() - 1).id().entry() == n;
      return Future.succeededFuture(Optional.of(new JobEventPage(out, job, done && end)));
    }

    @Override
    public Future<List<JobEvent>> entry(String jobId, long entry) {
      return Future.succeededFuture(List.of());
    }
  }

  private <T> CompletableFuture<T> onContext(Supplier<Future<T>> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    context.runOnContext(v -> work.get().onComplete(ar -> {
      if (ar.succeeded()) {
        out.complete(ar.result());
      } else {
        out.completeExceptionally(ar.cause());
      }
    }));
    return out;
  }

  private JobEventStream open() throws Exception {
    JobEventPage first = log.after("j", JobEventId.START, JobEventStream.PAGE).result().orElseThrow();
    return onContext(() -> Future.succeededFuture(new JobEventStream(events, "j", JobEventId.START, first, vertx,
        clock))).get(10, TimeUnit.SECONDS);
  }

  private List<String> pull(JobEventStream stream) throws Exception {
    return onContext(stream::next).get(10, TimeUnit.SECONDS);
  }

  private static long count(List<String> lines, String type) {
    return lines.stream().filter(l -> l.equals("event: " + type)).count();
  }

  @Test
  void eachPullReadsAtMostOnePageAndNothingIsReadUnasked() throws Exception {
    log.size = 1_000_000;
    JobEventStream stream = open();
    int before = log.reads.get();
    for (int i = 1; i <= 5; i++) {
      List<String> lines = pull(stream);
      assertThat(count(lines, "device")).isEqualTo(JobEventStream.PAGE);
      assertThat(log.reads.get() - before).as("reads after %d pulls", i).isEqualTo(i - 1);
    }
    assertThat(log.reads.get() - before).as("the stream does not read ahead of its reader").isEqualTo(4);
  }

  @Test
  void withNothingNewAPullWaitsForTheNextAppendAndThenReadsOnce() throws Exception {
    log.size = 3;
    JobEventStream stream = open();
    assertThat(count(pull(stream), "device")).isEqualTo(3);
    int reads = log.reads.get();
    CompletableFuture<List<String>> waiting = onContext(stream::next);
    await().atMost(Duration.ofSeconds(5)).until(() -> log.reads.get() == reads + 1);
    assertThat(waiting).isNotDone();
    assertThat(events.watches()).isEqualTo(1);

    log.size = 5;
    events.appended("other-job");
    events.appended("j");
    List<String> lines = waiting.get(10, TimeUnit.SECONDS);
    assertThat(lines).contains("id: 4:1", "id: 5:1");
    assertThat(log.reads.get()).isEqualTo(reads + 2);
  }

  @Test
  void progressIsSentWhenItChangedAtMostEveryQuarterSecondAndOnceMoreAtTheEnd() throws Exception {
    log.size = 1;
    JobEventStream stream = open();
    List<String> first = pull(stream);
    assertThat(first.get(0)).isEqualTo("retry: 1000");
    assertThat(count(first, "progress")).isEqualTo(1);
    log.size = 2;
    assertThat(count(pull(stream), "progress")).as("changed, not due").isZero();
    clock.advance(Duration.ofMillis(250));
    log.size = 3;
    List<String> due = pull(stream);
    assertThat(count(due, "progress")).isEqualTo(1);
    assertThat(due).contains("data: {\"total\":1000000,\"pending\":999997,\"completed\":3,\"failed\":0,\"at\":\""
        + T0.plusMillis(250) + "\"}");

    log.size = 4;
    log.done = true;
    List<String> last = pull(stream);
    assertThat(count(last, "device")).isEqualTo(1);
    assertThat(count(last, "progress")).as("the end's progress is not held back").isEqualTo(1);
    assertThat(pull(stream)).as("the end").isEmpty();
  }

  @Test
  void closingReleasesTheWatchAndAnswersAWaitingPull() throws Exception {
    log.size = 1;
    JobEventStream stream = open();
    pull(stream);
    CompletableFuture<List<String>> waiting = onContext(stream::next);
    await().atMost(Duration.ofSeconds(5)).until(() -> log.reads.get() >= 2);
    context.runOnContext(v -> stream.close());
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(events.watches()).isZero();
    assertThat(pull(stream)).isEmpty();
  }
}
