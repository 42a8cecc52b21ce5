package io.flotilla.domain.audit;

import io.flotilla.domain.auth.Principal;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.GroupCommit;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of accepted REST writes. {@link #record} stores an entry durably and completes only then, so the
 * API answers a write after its entry is committed; entries arriving together are committed together (one
 * transaction per batch, at most {@link #MOST_PER_COMMIT}). {@link #prune} deletes entries older than the retention
 * in bounded batches.
 */
public final class AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  /** Most entries committed in one transaction. */
  public static final int MOST_PER_COMMIT = 256;
  /** Most entries one prune transaction deletes. */
  public static final int PRUNE_BATCH = 1000;
  /** Most prune transactions in one {@link #prune} run (the rest waits for the next run). */
  public static final int PRUNE_BATCHES_PER_RUN = 100;
  /** Longest stored path and query (the HTTP decoder's request line limit). */
  static final int MAX_URI = 4096;
  static final int MAX_RESOURCE_ID = 2048;

  private final AuditRepository repository;
  private final Clock clock;
  private final Duration retention;
  private final GroupCommit<Pending> commits;
  private final AtomicBoolean pruning = new AtomicBoolean();

  /** {@code retention} null or zero: entries are kept for ever. */
  public AuditLog(AuditRepository repository, Clock clock, Duration retention) {
    this.repository = repository;
    this.clock = clock;
    this.retention = retention == null || retention.isZero() || retention.isNegative() ? null : retention;
    this.commits = new GroupCommit<>(MOST_PER_COMMIT, this::commit);
  }

  /** What the API knows of an accepted write. */
  public record Write(Principal principal, String requestId, String method, String path, String query,
                      String operationId, String resourceKind, String resourceId, int status) {
  }

  /**
   * Records an accepted write, stamped with the server's clock. Completes when the entry is committed; fails with
   * {@code Unavailable} when it could not be stored.
   */
  public Future<Void> record(Write w) {
    AuditEntry entry = new AuditEntry(0, clock.instant(), w.requestId(), w.principal().token().id(),
        w.principal().token().roles(), w.method(), cut(w.path(), MAX_URI), cut(w.query(), MAX_URI), w.operationId(),
        w.resourceKind(), cut(w.resourceId(), MAX_RESOURCE_ID), w.status());
    Promise<Void> done = Promise.promise();
    commits.submit(new Pending(entry, done));
    return done.future();
  }

  private Future<Void> commit(List<Pending> batch) {
    return repository.append(batch.stream().map(Pending::entry).toList()).onComplete(ar -> {
      if (ar.failed()) {
        // The server log keeps what the database could not: each write that was carried out but not recorded.
        batch.forEach(p -> LOG.error("Audit entry not stored ({}): {}", ar.cause().toString(), p.entry()));
      }
      for (Pending p : batch) {
        if (ar.succeeded()) {
          p.done().complete();
        } else {
          p.done().fail(new FlotillaException.Unavailable("The request was carried out but could not be recorded "
              + "in the audit log (the database failed); check the resource before trying again."));
        }
      }
    });
  }

  /** A page of entries, newest first. Fails with {@code Invalid} for a page key that is not one of this list. */
  public Future<Page<AuditEntry>> list(AuditFilter filter, PageRequest page) {
    return repository.list(filter, page);
  }

  /** How long entries are kept (empty: for ever). */
  public java.util.Optional<Duration> retention() {
    return java.util.Optional.ofNullable(retention);
  }

  /**
   * Deletes entries older than the retention, {@link #PRUNE_BATCH} per transaction, at most
   * {@link #PRUNE_BATCHES_PER_RUN} transactions; answers how many it deleted (0 without a retention, or while another
   * run is going on).
   */
  public Future<Integer> prune() {
    if (retention == null || !pruning.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    Instant cutoff = clock.instant().minus(retention);
    return pruneFrom(cutoff, 0, 0).onComplete(ar -> pruning.set(false));
  }

  private Future<Integer> pruneFrom(Instant cutoff, int batches, int deleted) {
    return repository.deleteBefore(cutoff, PRUNE_BATCH).compose(n -> {
      int total = deleted + n;
      if (n < PRUNE_BATCH || batches + 1 >= PRUNE_BATCHES_PER_RUN) {
        return Future.succeededFuture(total);
      }
      return pruneFrom(cutoff, batches + 1, total);
    });
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  private record Pending(AuditEntry entry, Promise<Void> done) {
  }
}
