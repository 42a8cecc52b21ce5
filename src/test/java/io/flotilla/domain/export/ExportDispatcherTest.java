package io.flotilla.domain.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.job.JobEvent;
import io.flotilla.domain.job.JobEventId;
import io.flotilla.domain.job.JobEventLog;
import io.flotilla.domain.job.JobEventPage;
import io.flotilla.domain.job.JobEvents;
import io.flotilla.testing.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@link ExportDispatcher} over an in-memory outbox and a scripted receiver, with a hand-moved clock: what a lane sends
 * at once, how it waits after a failure (exponential backoff, the whole lane), and that it then delivers everything.
 */
class ExportDispatcherTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final ManualClock clock = new ManualClock(T0);
  private final MemoryOutbox outbox = new MemoryOutbox();
  private final ScriptedReceiver receiver = new ScriptedReceiver();
  private final ExportDestination hook = new ExportDestination("hook", "Hook", ExportDestination.WEBHOOK,
      "https://receiver.example/in", Map.of("code", new ExportDestination.Customization("a b&c", true)),
      Map.of("x-region", new ExportDestination.Customization("west", false)),
      new ExportDestination.Authorization("header", "Bearer t"), "the-signing-secret-0123");
  private final ExportDispatcher dispatcher;

  ExportDispatcherTest() {
    ExportRepository repository = new OneDestination(hook);
    JobEvents jobEvents = new JobEvents(new NoLog());
    DataExports exports = new DataExports(repository, outbox, "app-1", clock);
    dispatcher = new ExportDispatcher(outbox, repository, exports, jobEvents, receiver, clock,
        new ExportDispatcher.Limits(2, 32, 64, Duration.ofSeconds(1), Duration.ofSeconds(10)));
  }

  static final class MemoryOutbox implements ExportOutbox {
    final Map<Long, Delivery> rows = new ConcurrentSkipListMap<>();
    final Map<Long, Instant> next = new ConcurrentSkipListMap<>();
    long ids;

    synchronized void add(String body) {
      long id = ++ids;
      rows.put(id, new Delivery(id, "hook", "x", body, null, 0, T0, 0));
      next.put(id, T0);
    }

    @Override
    public Future<Void> enqueue(List<Message> messages) {
      messages.forEach(m -> add(m.body()));
      return Future.succeededFuture();
    }

    @Override
    public Future<List<Delivery>> due(String destinationId, Instant now, int limit, Collection<Long> excluded) {
      List<Delivery> out = new ArrayList<>();
      for (Delivery d : rows.values()) {
        if (!next.get(d.id()).isAfter(now) && !excluded.contains(d.id()) && out.size() < limit) {
          out.add(d);
        }
      }
      return Future.succeededFuture(out);
    }

    @Override
    public Future<Void> delivered(Collection<Long> ids) {
      ids.forEach(rows::remove);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> failed(long id, int attempts, Instant nextAttempt, String error) {
      Delivery d = rows.get(id);
      rows.put(id, new Delivery(id, d.destinationId(), d.exportId(), d.body(), null, 0, d.created(), attempts));
      next.put(id, nextAttempt);
      return Future.succeededFuture();
    }

    @Override
    public Future<Long> waiting(String destinationId) {
      return Future.succeededFuture((long) rows.size());
    }
  }

  /** Answers each post with the next scripted status (then 200), or holds it while {@link #hold} is set. */
  static final class ScriptedReceiver implements WebhookSender {
    record Post(String url, Map<String, String> headers, String body) {
    }

    final List<Post> posts = new CopyOnWriteArrayList<>();
    final List<Integer> script = new CopyOnWriteArrayList<>();
    final List<Promise<Integer>> held = new CopyOnWriteArrayList<>();
    volatile boolean hold;

    @Override
    public Future<Integer> post(String url, Map<String, String> headers, String body) {
      posts.add(new Post(url, headers, body));
      if (hold) {
        Promise<Integer> p = Promise.promise();
        held.add(p);
        return p.future();
      }
      return Future.succeededFuture(script.isEmpty() ? 200 : script.remove(0));
    }
  }

  record OneDestination(ExportDestination d) implements ExportRepository {
    @Override
    public Future<Boolean> putDestination(ExportDestination destination) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Optional<ExportDestination>> destination(String id) {
      return Future.succeededFuture(Optional.of(d));
    }

    @Override
    public Future<Page<ExportDestination>> destinations(PageRequest page) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<ExportDestination>> allDestinations() {
      return Future.succeededFuture(List.of(d));
    }

    @Override
    public Future<Boolean> deleteDestination(String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Boolean> putExport(DataExport export) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Optional<DataExport>> export(String id) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public Future<Page<DataExport>> exports(PageRequest page) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Page<DataExport>> exportsTo(String destinationId, PageRequest page) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<DataExport>> enabledExports() {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<Boolean> deleteExport(String id) {
      throw new UnsupportedOperationException();
    }
  }

  static final class NoLog implements JobEventLog {
    @Override
    public Future<Optional<JobEventPage>> after(String jobId, JobEventId after, int limit) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public Future<List<JobEvent>> entry(String jobId, long entry) {
      return Future.succeededFuture(List.of());
    }
  }

  private List<String> bodies() {
    return receiver.posts.stream().map(ScriptedReceiver.Post::body).toList();
  }

  @Test
  void aFailingReceiverMakesItsLaneWaitDoublingTheWaitThenItGetsEverythingOnce() {
    for (int i = 1; i <= 5; i++) {
      outbox.add("{\"n\":" + i + "}");
    }
    receiver.script.addAll(List.of(503, 503, 503));
    dispatcher.reload().toCompletionStage().toCompletableFuture().join();

    assertThat(bodies()).as("the first post fails, the lane stops there").containsExactly("{\"n\":1}");
    List<Instant> retries = List.of(T0.plusSeconds(1), T0.plusSeconds(3), T0.plusSeconds(7));
    for (int i = 0; i < retries.size(); i++) {
      clock.set(retries.get(i).minusMillis(1));
      dispatcher.tick();
      dispatcher.wake();
      assertThat(receiver.posts).as("before retry %d, even when woken", i + 1).hasSize(i + 1);
      clock.set(retries.get(i));
      dispatcher.tick();
    }
    assertThat(outbox.rows).isEmpty();
    assertThat(bodies()).containsExactly("{\"n\":1}", "{\"n\":1}", "{\"n\":1}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}",
        "{\"n\":4}", "{\"n\":5}");
    ExportHealth.Status status = dispatcher.health().destination("hook");
    assertThat(status.status()).isEqualTo("healthy");
    assertThat(status.errorCount()).isEqualTo(3);
    assertThat(status.lastExportTime()).isEqualTo(T0.plusSeconds(7));
  }

  @Test
  void aLaneHoldsAtMostItsLimitOfPostsAndWhatItSendsIsSignedAndCustomized() {
    receiver.hold = true;
    for (int i = 1; i <= 5; i++) {
      outbox.add("{\"n\":" + i + "}");
    }
    dispatcher.reload().toCompletionStage().toCompletableFuture().join();
    dispatcher.wake();
    assertThat(receiver.posts).hasSize(2);
    ScriptedReceiver.Post p = receiver.posts.get(0);
    assertThat(p.url()).isEqualTo("https://receiver.example/in?code=a+b%26c");
    assertThat(p.headers()).containsEntry("x-region", "west").containsEntry("Authorization", "Bearer t")
        .containsEntry(Signatures.HEADER, Signatures.sign("the-signing-secret-0123", p.body()))
        .containsEntry("x-flotilla-delivery-id", "1").containsEntry("x-flotilla-export-id", "x");
    assertThat(ExportDispatcher.headers(hook, outbox.rows.get(1L), "{}").get(Signatures.HEADER))
        .isEqualTo(Signatures.sign("the-signing-secret-0123", "{}"));

    receiver.hold = false;
    receiver.held.forEach(h -> h.complete(200));
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.rows.isEmpty());
    assertThat(bodies()).hasSize(5).doesNotHaveDuplicates();
    assertThat(dispatcher.inFlight()).isZero();
  }

  @Test
  void theBackoffDoublesFromTheFirstRetryUpToTheMost() {
    assertThat(List.of(1, 2, 3, 4, 5, 40).stream().map(dispatcher::backoff).toList()).containsExactly(
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(10), Duration.ofSeconds(10));
    assertThat(Signatures.sign("key", "The quick brown fox jumps over the lazy dog"))
        .as("the well-known HMAC-SHA256 example").isEqualTo("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  }
}
