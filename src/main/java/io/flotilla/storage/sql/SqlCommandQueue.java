package io.flotilla.storage.sql;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.CommandInvocation.QueueState;
import io.flotilla.domain.device.CommandQueue;
import io.flotilla.domain.device.QueuedCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * {@code c2d_messages}: queued commands per device in order of {@code n}; a row leaves when delivered or expired,
 * and the command history ({@code device_commands}) row naming its message records which. Writes to one device's
 * queue lock the device's row, so the bound holds under concurrent requests.
 */
public final class SqlCommandQueue implements CommandQueue {
  private static final String COLUMNS = "message_id, device_id, component, name, body, enqueued_at, expires_at, "
      + "delivery_count, job_id";

  private final Database db;

  public SqlCommandQueue(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> enqueue(QueuedCommand m, int bound, Instant now) {
    return db.transaction(c -> {
      if (!lockDevice(c, m.deviceId())) {
        throw new FlotillaException.NotFound("Device \"" + m.deviceId() + "\" not found.");
      }
      dropExpired(c, m.deviceId(), now);
      int waiting = Rows.query(c, "SELECT COUNT(*) FROM c2d_messages WHERE device_id = ?", rs -> rs.getInt(1),
          m.deviceId()).get(0);
      if (waiting >= bound) {
        throw new FlotillaException.Conflict("DeviceMaximumQueueDepthExceeded", "Device \"" + m.deviceId()
            + "\" has " + waiting + " queued commands waiting, the most a device can have; it gets them when it "
            + "connects, or they expire.");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO c2d_messages (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, m.messageId());
        ps.setString(2, m.deviceId());
        ps.setString(3, m.component() == null ? "" : m.component());
        ps.setString(4, m.name());
        ps.setString(5, m.body());
        ps.setTimestamp(6, Timestamp.from(m.enqueuedAt()));
        ps.setTimestamp(7, Timestamp.from(m.expiresAt()));
        ps.setInt(8, m.deliveryCount());
        ps.setString(9, m.jobId());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<List<QueuedCommand>> takeForDelivery(String deviceId, Instant now) {
    return db.transaction(c -> {
      if (!lockDevice(c, deviceId)) {
        return List.<QueuedCommand>of();
      }
      dropExpired(c, deviceId, now);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE c2d_messages SET delivery_count = delivery_count + 1 WHERE device_id = ?")) {
        ps.setString(1, deviceId);
        ps.executeUpdate();
      }
      return waiting(c, deviceId);
    });
  }

  @Override
  public Future<Void> countDelivery(String deviceId, String messageId) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE c2d_messages SET delivery_count = delivery_count + 1 "
          + "WHERE device_id = ? AND message_id = ?")) {
        ps.setString(1, deviceId);
        ps.setString(2, messageId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Optional<Delivered>> delivered(String deviceId, String messageId, Instant now) {
    return db.transaction(c -> {
      List<QueuedCommand> found = Rows.query(c, "SELECT " + COLUMNS + " FROM c2d_messages WHERE device_id = ? "
          + "AND message_id = ? FOR UPDATE", SqlCommandQueue::message, deviceId, messageId);
      if (found.isEmpty()) {
        return Optional.<Delivered>empty();
      }
      QueuedCommand m = found.get(0);
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM c2d_messages WHERE device_id = ? AND message_id = ?")) {
        ps.setString(1, deviceId);
        ps.setString(2, messageId);
        ps.executeUpdate();
      }
      mark(c, deviceId, List.of(messageId), QueueState.DELIVERED, now);
      int left = m.jobId() == null ? 0 : Rows.query(c, "SELECT COUNT(*) FROM c2d_messages WHERE device_id = ? "
          + "AND job_id = ?", rs -> rs.getInt(1), deviceId, m.jobId()).get(0);
      return Optional.of(new Delivered(m, left));
    });
  }

  @Override
  public Future<List<QueuedCommand>> waiting(String deviceId) {
    return db.read(c -> waiting(c, deviceId));
  }

  private static List<QueuedCommand> waiting(Connection c, String deviceId) throws SQLException {
    return Rows.query(c, "SELECT " + COLUMNS + " FROM c2d_messages WHERE device_id = ? ORDER BY n",
        SqlCommandQueue::message, deviceId);
  }

  private static boolean lockDevice(Connection c, String deviceId) throws SQLException {
    return !Rows.query(c, "SELECT id FROM devices WHERE id = ? FOR UPDATE", rs -> rs.getString(1), deviceId).isEmpty();
  }

  /** Drops the device's expired messages; their history says expired. */
  private static void dropExpired(Connection c, String deviceId, Instant now) throws SQLException {
    List<String> expired = Rows.query(c, "SELECT message_id FROM c2d_messages WHERE device_id = ? AND expires_at <= ?",
        rs -> rs.getString(1), deviceId, Timestamp.from(now));
    if (expired.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM c2d_messages WHERE device_id = ? AND expires_at <= ?")) {
      ps.setString(1, deviceId);
      ps.setTimestamp(2, Timestamp.from(now));
      ps.executeUpdate();
    }
    mark(c, deviceId, expired, QueueState.EXPIRED, now);
  }

  /** The history of the commands whose messages these are moves to {@code state}. */
  private static void mark(Connection c, String deviceId, List<String> messageIds, QueueState state, Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE device_commands SET queue_state = ?, queue_at = ? "
        + "WHERE device_id = ? AND message_id = ?")) {
      for (String id : messageIds) {
        ps.setString(1, state.wire());
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setString(3, deviceId);
        ps.setString(4, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static QueuedCommand message(ResultSet rs) throws SQLException {
    String component = rs.getString(3);
    return new QueuedCommand(rs.getString(1), rs.getString(2), component.isEmpty() ? null : component,
        rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(),
        rs.getInt(8), rs.getString(9));
  }
}
