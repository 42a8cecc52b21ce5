package io.flotilla.storage.sql;

import io.flotilla.domain.export.ExportOutbox;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** {@link ExportOutbox} on SQL: {@code export_outbox} (V21), read per destination in (due time, id) order. */
public final class SqlExportOutbox implements ExportOutbox {
  private final Database db;

  public SqlExportOutbox(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> enqueue(List<Message> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO export_outbox (destination_id, export_id, body, "
          + "created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, 0, ?)")) {
        for (Message m : messages) {
          ps.setString(1, m.destinationId());
          ps.setString(2, m.exportId());
          ps.setString(3, m.body());
          ps.setTimestamp(4, Timestamp.from(m.at()));
          ps.setTimestamp(5, Timestamp.from(m.at()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public Future<List<Delivery>> due(String destinationId, Instant now, int limit, Collection<Long> excluded) {
    return db.read(c -> {
      List<Delivery> out = new ArrayList<>();
      // excluded rows are in flight (at most a lane's limit): skipped here rather than in SQL
      for (Delivery d : Rows.query(c, "SELECT id, destination_id, export_id, body, job_id, job_entry, created_at, "
          + "attempts FROM export_outbox WHERE destination_id = ? AND next_attempt_at <= ? "
          + "ORDER BY destination_id, next_attempt_at, id FETCH FIRST " + (limit + excluded.size()) + " ROWS ONLY",
          rs -> new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getLong(6), rs.getTimestamp(7).toInstant(), rs.getInt(8)), destinationId, Timestamp.from(now))) {
        if (!excluded.contains(d.id()) && out.size() < limit) {
          out.add(d);
        }
      }
      out.sort(java.util.Comparator.comparingLong(Delivery::id));
      return out;
    });
  }

  @Override
  public Future<Void> delivered(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM export_outbox WHERE id = ?")) {
        for (long id : ids) {
          ps.setLong(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public Future<Void> failed(long id, int attempts, Instant nextAttempt, String error) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE export_outbox SET attempts = ?, next_attempt_at = ?, "
          + "last_error = ? WHERE id = ?")) {
        ps.setInt(1, attempts);
        ps.setTimestamp(2, Timestamp.from(nextAttempt));
        ps.setString(3, LeaseRows.truncate(error));
        ps.setLong(4, id);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Long> waiting(String destinationId) {
    return db.read(c -> Rows.query(c, "SELECT COUNT(*) FROM export_outbox WHERE destination_id = ?",
        rs -> rs.getLong(1), destinationId).get(0));
  }
}
