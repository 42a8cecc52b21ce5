package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.device.CommandInvocation;
import io.flotilla.domain.device.CommandRepository;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** {@code device_commands}: the latest invocation per device, component and command, as a JSON document. */
public final class SqlCommandRepository implements CommandRepository {
  private final Database db;

  public SqlCommandRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> saveLatest(CommandInvocation inv) {
    String component = inv.component() == null ? "" : inv.component();
    return db.transaction(c -> {
      try (PreparedStatement del = c.prepareStatement(
          "DELETE FROM device_commands WHERE device_id = ? AND component = ? AND name = ?")) {
        del.setString(1, inv.deviceId());
        del.setString(2, component);
        del.setString(3, inv.name());
        del.executeUpdate();
      }
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO device_commands (device_id, component, name, "
          + "invocation, invoked_at, message_id, queue_state, queue_at) SELECT d.id, ?, ?, ?, ?, ?, ?, ? "
          + "FROM devices d WHERE d.id = ?")) {
        CommandInvocation.Queued q = inv.queued();
        ins.setString(1, component);
        ins.setString(2, inv.name());
        ins.setString(3, JsonText.write(document(inv)));
        ins.setTimestamp(4, Timestamp.from(Instant.now()));
        ins.setString(5, q == null ? null : q.messageId());
        ins.setString(6, q == null ? null : q.state().wire());
        ins.setTimestamp(7, q == null ? null : Timestamp.from(q.updatedAt()));
        ins.setString(8, inv.deviceId());
        ins.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Optional<CommandInvocation>> latest(String deviceId, String component, String name) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT invocation, message_id, queue_state, queue_at FROM device_commands WHERE device_id = ? AND component = ? AND name = ?")) {
        ps.setString(1, deviceId);
        ps.setString(2, component == null ? "" : component);
        ps.setString(3, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<CommandInvocation>empty();
          }
          ObjectNode o = JsonText.readObject(rs.getString(1));
          CommandInvocation.Queued queued = rs.getString(2) == null ? null : new CommandInvocation.Queued(
              rs.getString(2), CommandInvocation.QueueState.of(rs.getString(3)),
              Instant.parse(o.path("expiresAt").asText()), rs.getTimestamp(4).toInstant());
          return Optional.of(new CommandInvocation(o.path("id").asText(), deviceId, component, name,
              o.path("connectionTimeout").asInt(), o.path("responseTimeout").asInt(), value(o, "request"),
              value(o, "response"), o.path("responseCode").asInt(), queued));
        }
      }
    });
  }

  /** An invocation from its stored document. */
  static CommandInvocation invocation(ObjectNode o, String deviceId, String component, String name) {
    return new CommandInvocation(o.path("id").asText(), deviceId, component, name,
        o.path("connectionTimeout").asInt(), o.path("responseTimeout").asInt(), value(o, "request"),
        value(o, "response"), o.path("responseCode").asInt());
  }

  static ObjectNode document(CommandInvocation inv) {
    ObjectNode o = JsonText.MAPPER.createObjectNode();
    o.put("id", inv.id());
    o.put("connectionTimeout", inv.connectionTimeout());
    o.put("responseTimeout", inv.responseTimeout());
    o.set("request", inv.request());
    o.set("response", inv.response());
    o.put("responseCode", inv.responseCode());
    if (inv.queued() != null) {
      o.put("expiresAt", inv.queued().expiresAt().toString());
    }
    return o;
  }

  private static JsonNode value(ObjectNode o, String field) {
    JsonNode n = o.get(field);
    return n == null || n.isNull() ? null : n;
  }
}
