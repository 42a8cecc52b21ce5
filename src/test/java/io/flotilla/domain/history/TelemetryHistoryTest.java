package io.flotilla.domain.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.history.query.TelemetryQuery;
import io.flotilla.testing.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryHistoryTest {
  static final ObjectNode VALUES = new ObjectMapper().createObjectNode().put("t", 1);

  /** Appends complete when the test says so, or fail while {@code refuse} is set. */
  static final class Repository implements HistoryRepository {
    final List<List<TelemetryMessage>> batches = new ArrayList<>();
    final List<Promise<Void>> writes = new ArrayList<>();
    LocalDate preparedFrom;
    LocalDate droppedBefore;

    @Override
    public Future<Void> append(List<TelemetryMessage> messages) {
      batches.add(List.copyOf(messages));
      Promise<Void> p = Promise.promise();
      writes.add(p);
      return p.future();
    }

    @Override
    public Future<Void> prepare(LocalDate from, LocalDate to) {
      preparedFrom = from;
      return Future.succeededFuture();
    }

    @Override
    public Future<List<LocalDate>> dropBefore(LocalDate day) {
      droppedBefore = day;
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<List<LocalDate>> days() {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<List<ObjectNode>> query(TelemetryQuery query, Instant from, Instant to, int limit) {
      return Future.succeededFuture(List.of());
    }
  }

  final ManualClock clock = new ManualClock(Instant.parse("2030-05-06T12:00:00Z"));
  final Repository repo = new Repository();
  final TelemetryHistory history = new TelemetryHistory(repo, clock, Duration.ofDays(30),
      new TelemetryHistory.Limits(3, 2, 2));

  Future<Void> store(String id, boolean mayWait) {
    return history.store(id, null, VALUES, clock.instant(), mayWait);
  }

  @Test
  void whenFullAtLeastOnceMessagesWaitForRoomAndAtMostOnceOnesAreDroppedAndCounted() {
    assertThat(store("a", true).succeeded()).isTrue();
    assertThat(store("b", true).succeeded()).as("a full batch is written at once").isTrue();
    assertThat(repo.batches).hasSize(1);
    assertThat(store("c", true).succeeded()).isTrue();
    Future<Void> waits = store("d", true);
    assertThat(waits.isComplete()).as("queue (1) + in flight (2) = capacity").isFalse();
    assertThat(store("e", false).succeeded()).isTrue();
    assertThat(history.dropped()).isEqualTo(1);
    Future<Void> alsoWaits = store("f", true);
    assertThat(store("g", true).failed()).as("more than maxWaiting are refused").isTrue();
    assertThat(history.pending()).isEqualTo(5);

    repo.writes.get(0).complete();
    assertThat(waits.succeeded()).isTrue();
    assertThat(alsoWaits.succeeded()).isTrue();
    assertThat(history.stored()).isEqualTo(2);
    assertThat(repo.batches).as("the next full batch went at once").hasSize(2);
    assertThat(repo.batches.get(1)).extracting(TelemetryMessage::deviceId).containsExactly("c", "d");
  }

  @Test
  void aRefusedBatchIsWrittenAgainBeforeAnythingElse() {
    store("a", true);
    store("b", true);
    repo.writes.get(0).fail(new IllegalStateException("disk full"));
    store("c", true);
    assertThat(history.flush().isComplete()).isFalse();
    assertThat(repo.batches.get(1)).extracting(TelemetryMessage::deviceId).containsExactly("a", "b");
    repo.writes.get(1).complete();
    assertThat(history.stored()).isEqualTo(2);
    history.flush();
    repo.writes.get(2).complete();
    assertThat(repo.batches.get(2)).extracting(TelemetryMessage::deviceId).containsExactly("c");
    assertThat(history.pending()).isZero();
  }

  @Test
  void timesOutsideTheRetentionOrTooFarAheadAreKeptUnderTheArrivalTime() {
    history.store("a", null, VALUES, clock.instant().minus(Duration.ofDays(31)), true);
    history.store("b", null, VALUES, clock.instant().plus(Duration.ofDays(2)), true);
    history.store("c", null, VALUES, clock.instant().minusSeconds(5), true);
    history.flush();
    history.flush();
    repo.writes.forEach(Promise::tryComplete);
    history.flush();
    List<TelemetryMessage> all = repo.batches.stream().flatMap(List::stream).toList();
    assertThat(all).extracting(TelemetryMessage::timestamp).containsExactly(clock.instant(), clock.instant(),
        clock.instant().minusSeconds(5));
  }

  @Test
  void maintainPreparesTodayAndTomorrowAndDropsDaysPastTheRetention() {
    history.maintain();
    assertThat(repo.preparedFrom).isEqualTo(LocalDate.of(2030, 5, 6));
    assertThat(repo.droppedBefore).isEqualTo(LocalDate.of(2030, 4, 6));
  }
}
