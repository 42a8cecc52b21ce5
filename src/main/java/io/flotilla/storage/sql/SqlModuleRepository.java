package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.device.CommandInvocation;
import io.flotilla.domain.device.CommandRepository;
import io.flotilla.domain.device.ModuleId;
import io.flotilla.domain.device.ModuleRepository;
import io.flotilla.domain.device.TelemetryRepository;
import io.flotilla.domain.device.TelemetryValue;
import io.flotilla.domain.device.Twin;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@code device_modules} (each module's twin), {@code module_telemetry} and {@code module_commands} (latest values
 * and runs, keyed by device, module, component and name).
 */
public final class SqlModuleRepository implements ModuleRepository {
  private static final int BATCH = 1000;
  private static final String TWIN = "desired, desired_version, desired_metadata, reported, reported_version, "
      + "reported_metadata";
  /** Telemetry upsert: a value of a module that is gone matches no row of the source and is dropped. */
  private static final String TELEMETRY_MERGE = "MERGE INTO module_telemetry t USING (SELECT m.device_id, m.module_id, "
      + "CAST(? AS VARCHAR(128)) AS component, CAST(? AS VARCHAR(300)) AS name, "
      + "CAST(? AS VARCHAR(1000000)) AS value_json, CAST(? AS BIGINT) AS ts_micros FROM device_modules m "
      + "WHERE m.device_id = ? AND m.module_id = ?) s ON (t.device_id = s.device_id AND t.module_id = s.module_id "
      + "AND t.component = s.component AND t.name = s.name) "
      + "WHEN MATCHED THEN UPDATE SET value_json = s.value_json, ts_micros = s.ts_micros "
      + "WHEN NOT MATCHED THEN INSERT (device_id, module_id, component, name, value_json, ts_micros) "
      + "VALUES (s.device_id, s.module_id, s.component, s.name, s.value_json, s.ts_micros)";
  private static final String TELEMETRY_POSTGRESQL = "INSERT INTO module_telemetry (component, name, value_json, "
      + "ts_micros, device_id, module_id) SELECT ?, ?, ?, ?, m.device_id, m.module_id FROM device_modules m "
      + "WHERE m.device_id = ? AND m.module_id = ? ON CONFLICT (device_id, module_id, component, name) "
      + "DO UPDATE SET value_json = EXCLUDED.value_json, ts_micros = EXCLUDED.ts_micros";

  private final Database db;

  public SqlModuleRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Boolean> register(ModuleId id, int maxPerDevice, Instant at) {
    return db.transaction(c -> {
      try (PreparedStatement lock = c.prepareStatement("SELECT id FROM devices WHERE id = ? FOR UPDATE")) {
        lock.setString(1, id.deviceId());
        try (ResultSet rs = lock.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
        }
      }
      List<String> known = list(c, id.deviceId());
      if (known.contains(id.moduleId())) {
        return true;
      }
      if (known.size() >= maxPerDevice) {
        return false;
      }
      Twin t = Twin.empty();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_modules (device_id, module_id, " + TWIN
          + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, id.deviceId());
        ps.setString(2, id.moduleId());
        bindTwin(ps, 3, t);
        ps.setTimestamp(9, Timestamp.from(at));
        ps.executeUpdate();
      }
      return true;
    });
  }

  @Override
  public Future<List<String>> list(String deviceId) {
    return db.read(c -> list(c, deviceId));
  }

  private static List<String> list(Connection c, String deviceId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT module_id FROM device_modules WHERE device_id = ? ORDER BY module_id")) {
      ps.setString(1, deviceId);
      try (ResultSet rs = ps.executeQuery()) {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    }
  }

  @Override
  public Future<Optional<Twin>> twin(ModuleId id) {
    return db.read(c -> twin(c, id, false));
  }

  @Override
  public Future<Optional<Twin>> updateTwin(ModuleId id, UnaryOperator<Twin> change) {
    return db.transaction(c -> {
      Optional<Twin> current = twin(c, id, true);
      if (current.isEmpty()) {
        return current;
      }
      Twin next = change.apply(current.get());
      try (PreparedStatement ps = c.prepareStatement("UPDATE device_modules SET desired = ?, desired_version = ?, "
          + "desired_metadata = ?, reported = ?, reported_version = ?, reported_metadata = ? "
          + "WHERE device_id = ? AND module_id = ?")) {
        bindTwin(ps, 1, next);
        ps.setString(7, id.deviceId());
        ps.setString(8, id.moduleId());
        ps.executeUpdate();
      }
      return Optional.of(next);
    });
  }

  private static Optional<Twin> twin(Connection c, ModuleId id, boolean forUpdate) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + TWIN + " FROM device_modules WHERE device_id = ? "
        + "AND module_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
      ps.setString(1, id.deviceId());
      ps.setString(2, id.moduleId());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        ObjectNode none = JsonText.MAPPER.createObjectNode();
        return Optional.of(new Twin(JsonText.readObject(rs.getString(1)), rs.getLong(2),
            JsonText.readObject(rs.getString(3)), JsonText.readObject(rs.getString(4)), rs.getLong(5),
            JsonText.readObject(rs.getString(6)), none, none.deepCopy()));
      }
    }
  }

  private static void bindTwin(PreparedStatement ps, int from, Twin t) throws SQLException {
    ps.setString(from, JsonText.write(t.desired()));
    ps.setLong(from + 1, t.desiredVersion());
    ps.setString(from + 2, JsonText.write(t.desiredMetadata()));
    ps.setString(from + 3, JsonText.write(t.reported()));
    ps.setLong(from + 4, t.reportedVersion());
    ps.setString(from + 5, JsonText.write(t.reportedMetadata()));
  }

  @Override
  public TelemetryRepository telemetry() {
    return new TelemetryRepository() {
      @Override
      public Future<Void> saveLatest(List<TelemetryValue> values) {
        return db.transaction(c -> {
          String upsert = db.dialect() == Dialect.POSTGRESQL ? TELEMETRY_POSTGRESQL : TELEMETRY_MERGE;
          try (PreparedStatement ps = c.prepareStatement(upsert)) {
            int n = 0;
            for (TelemetryValue v : values) {
              Optional<ModuleId> id = ModuleId.ofKey(v.deviceId());
              if (id.isEmpty()) {
                continue;
              }
              ps.setString(1, v.component() == null ? "" : v.component());
              ps.setString(2, v.name());
              ps.setString(3, JsonText.write(v.value()));
              ps.setLong(4, ChronoUnit.MICROS.between(Instant.EPOCH, v.timestamp()));
              ps.setString(5, id.get().deviceId());
              ps.setString(6, id.get().moduleId());
              ps.addBatch();
              if (++n % BATCH == 0) {
                ps.executeBatch();
              }
            }
            if (n % BATCH != 0) {
              ps.executeBatch();
            }
          }
          return null;
        });
      }

      @Override
      public Future<Optional<TelemetryValue>> latest(String key, String component, String name) {
        Optional<ModuleId> id = ModuleId.ofKey(key);
        if (id.isEmpty()) {
          return Future.succeededFuture(Optional.empty());
        }
        return db.read(c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT value_json, ts_micros FROM module_telemetry "
              + "WHERE device_id = ? AND module_id = ? AND component = ? AND name = ?")) {
            bindKey(ps, id.get(), component, name);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<TelemetryValue>empty();
              }
              return Optional.of(new TelemetryValue(key, component, name,
                  Instant.EPOCH.plus(rs.getLong(2), ChronoUnit.MICROS), JsonText.read(rs.getString(1))));
            }
          }
        });
      }
    };
  }

  @Override
  public CommandRepository commands() {
    return new CommandRepository() {
      @Override
      public Future<Void> saveLatest(CommandInvocation inv) {
        Optional<ModuleId> id = ModuleId.ofKey(inv.deviceId());
        if (id.isEmpty()) {
          return Future.succeededFuture();
        }
        return db.transaction(c -> {
          try (PreparedStatement del = c.prepareStatement("DELETE FROM module_commands WHERE device_id = ? "
              + "AND module_id = ? AND component = ? AND name = ?")) {
            bindKey(del, id.get(), inv.component(), inv.name());
            del.executeUpdate();
          }
          try (PreparedStatement ins = c.prepareStatement("INSERT INTO module_commands (device_id, module_id, "
              + "component, name, invocation) SELECT m.device_id, m.module_id, ?, ?, ? FROM device_modules m "
              + "WHERE m.device_id = ? AND m.module_id = ?")) {
            ins.setString(1, inv.component() == null ? "" : inv.component());
            ins.setString(2, inv.name());
            ins.setString(3, JsonText.write(SqlCommandRepository.document(inv)));
            ins.setString(4, id.get().deviceId());
            ins.setString(5, id.get().moduleId());
            ins.executeUpdate();
          }
          return null;
        });
      }

      @Override
      public Future<Optional<CommandInvocation>> latest(String key, String component, String name) {
        Optional<ModuleId> id = ModuleId.ofKey(key);
        if (id.isEmpty()) {
          return Future.succeededFuture(Optional.empty());
        }
        return db.read(c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT invocation FROM module_commands WHERE device_id = ? "
              + "AND module_id = ? AND component = ? AND name = ?")) {
            bindKey(ps, id.get(), component, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(SqlCommandRepository.invocation(JsonText.readObject(rs.getString(1)),
                  key, component, name)) : Optional.<CommandInvocation>empty();
            }
          }
        });
      }
    };
  }

  private static void bindKey(PreparedStatement ps, ModuleId id, String component, String name) throws SQLException {
    ps.setString(1, id.deviceId());
    ps.setString(2, id.moduleId());
    ps.setString(3, component == null ? "" : component);
    ps.setString(4, name);
  }
}
