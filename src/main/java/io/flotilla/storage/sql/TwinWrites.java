package io.flotilla.storage.sql;

import io.flotilla.domain.common.GroupCommit;
import io.flotilla.domain.device.DeviceRepository.TwinChange;
import io.flotilla.domain.device.Twin;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Twin writes committed together. Each used to be its own transaction, and on H2 a commit stores a chunk of every page
 * it changed: 10,000 devices acknowledging a property job kept a core busy for ~4 s, three quarters of it in commits.
 * Writes queue here and one batch at a time applies up to {@value #MAX_BATCH} of them in one transaction, in device
 * order (the order every writer of several twins locks in; a device's own writes keep their order), each change
 * seeing those before it; every write's future completes after the commit, on its caller's context. A change that
 * throws fails only its own write (nothing of it is written); a database error fails the batch, whose writes are then
 * tried one transaction each.
 */
final class TwinWrites {
  static final int MAX_BATCH = 256;

  private final Database db;
  private final GroupCommit<Pending> writes = new GroupCommit<>(MAX_BATCH, this::write);

  TwinWrites(Database db) {
    this.db = db;
  }

  Future<Optional<Twin>> submit(String id, TwinChange change) {
    ContextInternal caller = (ContextInternal) Vertx.currentContext();
    Promise<Optional<Twin>> done = caller != null ? caller.promise() : Promise.promise();
    writes.submit(new Pending(id, change, done));
    return done.future();
  }

  private Future<Void> write(List<Pending> queued) {
    List<Pending> batch = new ArrayList<>(queued);
    batch.sort(Comparator.comparing(Pending::id)); // stable: a device's writes stay in arrival order
    return db.transaction(c -> applyAll(c, batch)).transform(ar -> {
      if (ar.succeeded()) {
        ar.result().forEach(Outcome::complete);
        return Future.succeededFuture();
      }
      if (batch.size() == 1) {
        batch.get(0).done().fail(ar.cause());
        return Future.succeededFuture();
      }
      return oneByOne(batch, 0);
    });
  }

  /** After a failed batch: each write in a transaction of its own, in order. */
  private Future<Void> oneByOne(List<Pending> batch, int i) {
    if (i == batch.size()) {
      return Future.succeededFuture();
    }
    Pending p = batch.get(i);
    return db.transaction(c -> applyAll(c, List.of(p))).transform(ar -> {
      if (ar.succeeded()) {
        ar.result().forEach(Outcome::complete);
      } else {
        p.done().fail(ar.cause());
      }
      return oneByOne(batch, i + 1);
    });
  }

  private List<Outcome> applyAll(Connection c, List<Pending> batch) throws SQLException {
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      outcomes.add(apply(c, p));
    }
    return outcomes;
  }

  /** One write of a batch; a change that throws fails only this write. */
  private Outcome apply(Connection c, Pending p) throws SQLException {
    try {
      return new Outcome(p, write(c, db.dialect(), p.id(), p.change()), null);
    } catch (RuntimeException e) {
      return new Outcome(p, null, e);
    }
  }

  /**
   * Reads a twin under its row lock (folding property-job rows), changes it and stores it, deleting the rows it
   * folded; empty when the device is gone. A change that throws has written nothing.
   */
  static Optional<Twin> write(Connection c, Dialect dialect, String id, TwinChange change) throws SQLException {
    Optional<Twin> current = TwinRows.find(c, id, true);
    if (current.isEmpty()) {
      return current;
    }
    List<Long> folded = new ArrayList<>();
    Twin read = DesiredOverlays.fold(c, id, current.get(), folded);
    Twin updated = change.apply(read, () -> {
      try {
        return DesiredVersions.next(c, dialect);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    DesiredOverlays.prune(c, id, folded);
    TwinRows.update(c, id, updated);
    PropertyIndex.refresh(c, id, read, updated);
    return Optional.of(updated);
  }

  private record Pending(String id, TwinChange change, Promise<Optional<Twin>> done) {
  }

  /** A write's result, settled once its batch committed. */
  private record Outcome(Pending pending, Optional<Twin> twin, RuntimeException failure) {
    void complete() {
      if (failure != null) {
        pending.done().fail(failure);
      } else {
        pending.done().complete(twin);
      }
    }
  }
}
