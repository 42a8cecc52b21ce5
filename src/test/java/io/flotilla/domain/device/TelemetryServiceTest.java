package io.flotilla.domain.device;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TelemetryServiceTest {

  /** Records each batch; the next save can be made to fail or to wait. */
  static final class Batches implements TelemetryRepository {
    final List<List<TelemetryValue>> saved = new ArrayList<>();
    Promise<Void> hold;
    boolean fail;

    @Override
    public Future<Void> saveLatest(List<TelemetryValue> values) {
      saved.add(values);
      if (fail) {
        return Future.failedFuture(new IllegalStateException("db down"));
      }
      if (hold != null) {
        return hold.future();
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Optional<TelemetryValue>> latest(String deviceId, String component, String name) {
      return Future.succeededFuture(Optional.empty());
    }
  }

  private final Batches repo = new Batches();
  private final TelemetryService service = new TelemetryService(null, null, repo);
  private final Instant t0 = Instant.parse("2030-01-01T00:00:00Z");

  private int record(String device, String component, String json, Instant at) {
    return service.record(device, component, json.getBytes(UTF_8), at);
  }

  @Test
  void manyMessagesBecomeOneBatchHoldingOnlyTheLatestValuePerName() {
    for (int i = 0; i < 100; i++) {
      record("d1", null, "{\"temp\": " + i + ", \"hum\": 50}", t0.plusSeconds(i));
    }
    record("d1", "c1", "{\"temp\": -1}", t0);
    record("d2", null, "{\"temp\": 7}", t0);
    assertThat(repo.saved).isEmpty();

    assertThat(service.flush().succeeded()).isTrue();
    assertThat(repo.saved).hasSize(1);
    List<TelemetryValue> batch = repo.saved.get(0);
    assertThat(batch).hasSize(4);
    TelemetryValue temp = batch.stream().filter(v -> v.deviceId().equals("d1") && v.component() == null
        && v.name().equals("temp")).findFirst().orElseThrow();
    assertThat(temp.value().asInt()).isEqualTo(99);
    assertThat(temp.timestamp()).isEqualTo(t0.plusSeconds(99));
    assertThat(service.unsavedCount()).isZero();

    service.flush();
    assertThat(repo.saved).as("nothing changed, nothing written").hasSize(1);
  }

  @Test
  void bodiesThatAreNotJsonObjectsHoldNoValues() {
    assertThat(record("d1", null, "not json", t0)).isZero();
    assertThat(record("d1", null, "[1, 2]", t0)).isZero();
    assertThat(record("d1", null, "{\"$version\": 3, \"a\": {\"x\": 1}}", t0)).isEqualTo(1);
  }

  @Test
  void aFailedFlushKeepsTheValuesForTheNextOne() {
    record("d1", null, "{\"temp\": 1}", t0);
    repo.fail = true;
    assertThat(service.flush().failed()).isTrue();
    assertThat(service.unsavedCount()).isEqualTo(1);
    repo.fail = false;
    service.flush();
    assertThat(repo.saved).hasSize(2);
    assertThat(service.unsavedCount()).isZero();
  }

  @Test
  void aValueArrivingDuringAFlushIsWrittenByTheNextFlush() {
    record("d1", null, "{\"temp\": 1}", t0);
    repo.hold = Promise.promise();
    Future<Void> first = service.flush();
    record("d1", null, "{\"temp\": 2}", t0.plusSeconds(1));
    assertThat(service.flush().succeeded()).as("overlapping flush does nothing").isTrue();
    assertThat(repo.saved).hasSize(1);
    repo.hold.complete();
    assertThat(first.succeeded()).isTrue();
    assertThat(service.unsavedCount()).as("the newer value stays unsaved").isEqualTo(1);
    repo.hold = null;
    service.flush();
    assertThat(repo.saved.get(1).get(0).value().asInt()).isEqualTo(2);
  }
}
