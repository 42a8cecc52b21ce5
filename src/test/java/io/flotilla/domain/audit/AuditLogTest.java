package io.flotilla.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.auth.ApiToken;
import io.flotilla.domain.auth.Principal;
import io.flotilla.domain.auth.Role;
import io.flotilla.domain.auth.RoleAssignment;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AuditLog} over an in-memory repository: durable-before-done recording and bounded pruning. */
class AuditLogTest {
  private static final Instant NOW = Instant.parse("2030-06-01T00:00:00Z");
  private static final Principal ADMIN = new Principal(new ApiToken("admin", "h",
      List.of(new RoleAssignment(Role.ADMINISTRATOR, null)), NOW.plusSeconds(3600)));

  /** Stores entries in memory; appends complete when the test says so. */
  static final class Memory implements AuditRepository {
    final List<AuditEntry> stored = new ArrayList<>();
    final List<Promise<Void>> appends = new ArrayList<>();
    final List<Integer> deleteLimits = new ArrayList<>();
    boolean failAppends;

    @Override
    public Future<Void> append(List<AuditEntry> entries) {
      Promise<Void> p = Promise.promise();
      appends.add(p);
      return p.future().map(v -> {
        if (failAppends) {
          throw new IllegalStateException("disk on fire");
        }
        for (AuditEntry e : entries) {
          stored.add(e.withSeq(stored.size() + 1));
        }
        return null;
      });
    }

    @Override
    public Future<Page<AuditEntry>> list(AuditFilter filter, PageRequest page) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Integer> deleteBefore(Instant cutoff, int limit) {
      deleteLimits.add(limit);
      List<AuditEntry> old = stored.stream().filter(e -> e.time().isBefore(cutoff)).limit(limit).toList();
      stored.removeAll(old);
      return Future.succeededFuture(old.size());
    }
  }

  private static AuditLog.Write write(String id) {
    return new AuditLog.Write(ADMIN, "req-" + id, "PUT", "/api/devices/" + id, "api-version=2022-07-31",
        "Devices_Create", "devices", id, 200);
  }

  @Test
  void aRecordCompletesOnlyOnceItsEntryIsStoredAndEntriesArrivingMeanwhileShareOneCommit() {
    Memory repo = new Memory();
    AuditLog log = new AuditLog(repo, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(90));
    Future<Void> first = log.record(write("a"));
    Future<Void> second = log.record(write("b"));
    Future<Void> third = log.record(write("c"));
    assertThat(first.isComplete()).as("answered before the entry is stored").isFalse();
    assertThat(repo.appends).hasSize(1);

    repo.appends.get(0).complete();
    assertThat(first.succeeded()).isTrue();
    assertThat(second.isComplete()).isFalse();
    assertThat(repo.appends).as("the two that arrived meanwhile, in one commit").hasSize(2);
    repo.appends.get(1).complete();
    assertThat(second.succeeded() && third.succeeded()).isTrue();
    assertThat(repo.stored).extracting(AuditEntry::requestId).containsExactly("req-a", "req-b", "req-c");
    AuditEntry a = repo.stored.get(0);
    assertThat(a.time()).isEqualTo(NOW);
    assertThat(a.tokenId()).isEqualTo("admin");
    assertThat(a.roles()).containsExactly(new RoleAssignment(Role.ADMINISTRATOR, null));
    assertThat(a.resourceKind()).isEqualTo("devices");
    assertThat(a.resourceId()).isEqualTo("a");
  }

  @Test
  void aRecordThatCannotBeStoredFailsUnavailable() {
    Memory repo = new Memory();
    repo.failAppends = true;
    AuditLog log = new AuditLog(repo, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(90));
    Future<Void> f = log.record(write("a"));
    repo.appends.get(0).complete();
    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).isInstanceOf(FlotillaException.Unavailable.class);
  }

  @Test
  void pruningDeletesOnlyEntriesOlderThanTheRetentionInBoundedBatches() {
    Memory repo = new Memory();
    for (int i = 0; i < 2 * AuditLog.PRUNE_BATCH + 500; i++) {
      repo.stored.add(new AuditEntry(i + 1, NOW.minus(Duration.ofDays(91)).plusSeconds(i), "r" + i, "t", List.of(),
          "PUT", "/p", null, "Op", "devices", "d", 200));
    }
    repo.stored.add(new AuditEntry(99_999, NOW.minus(Duration.ofDays(89)), "young", "t", List.of(), "PUT", "/p",
        null, "Op", "devices", "d", 200));
    AuditLog log = new AuditLog(repo, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(90));

    assertThat(log.prune().result()).isEqualTo(2 * AuditLog.PRUNE_BATCH + 500);
    assertThat(repo.deleteLimits).as("one bounded transaction per batch, until one comes back short")
        .containsExactly(AuditLog.PRUNE_BATCH, AuditLog.PRUNE_BATCH, AuditLog.PRUNE_BATCH);
    assertThat(repo.stored).extracting(AuditEntry::requestId).containsExactly("young");
  }

  @Test
  void oneRunStopsAfterItsMostBatchesAndTheNextGoesOn() {
    Memory repo = new Memory();
    int many = (AuditLog.PRUNE_BATCHES_PER_RUN + 1) * AuditLog.PRUNE_BATCH;
    for (int i = 0; i < many; i++) {
      repo.stored.add(new AuditEntry(i + 1, NOW.minus(Duration.ofDays(100)), "r" + i, "t", List.of(), "PUT", "/p",
          null, "Op", "devices", "d", 200));
    }
    AuditLog log = new AuditLog(repo, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(90));
    assertThat(log.prune().result()).isEqualTo(AuditLog.PRUNE_BATCHES_PER_RUN * AuditLog.PRUNE_BATCH);
    assertThat(repo.stored).hasSize(AuditLog.PRUNE_BATCH);
    assertThat(log.prune().result()).isEqualTo(AuditLog.PRUNE_BATCH);
    assertThat(repo.stored).isEmpty();
  }

  @Test
  void aRetentionOfZeroKeepsEverything() {
    Memory repo = new Memory();
    repo.stored.add(new AuditEntry(1, Instant.EPOCH, "old", "t", List.of(), "PUT", "/p", null, "Op", "devices", "d",
        200));
    AuditLog log = new AuditLog(repo, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);
    assertThat(log.prune().result()).isZero();
    assertThat(repo.deleteLimits).isEmpty();
    assertThat(log.retention()).isEmpty();
  }
}
