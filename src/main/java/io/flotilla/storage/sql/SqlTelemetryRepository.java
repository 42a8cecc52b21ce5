package io.flotilla.storage.sql;

import io.flotilla.domain.device.TelemetryRepository;
import io.flotilla.domain.device.TelemetryValue;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code device_telemetry}: one row per device, component and name, upserted in JDBC batches. */
public final class SqlTelemetryRepository implements TelemetryRepository {
  private static final int BATCH = 1000;
  private static final String UPSERT = "MERGE INTO device_telemetry t USING (SELECT d.id AS device_id, "
      + "CAST(? AS VARCHAR(128)) AS component, CAST(? AS VARCHAR(300)) AS name, "
      + "CAST(? AS VARCHAR(1000000)) AS value_json, CAST(? AS BIGINT) AS ts_micros FROM devices d WHERE d.id = ?) s "
      + "ON (t.device_id = s.device_id AND t.component = s.component AND t.name = s.name) "
      + "WHEN MATCHED THEN UPDATE SET value_json = s.value_json, ts_micros = s.ts_micros "
      + "WHEN NOT MATCHED THEN INSERT (device_id, component, name, value_json, ts_micros) "
      + "VALUES (s.device_id, s.component, s.name, s.value_json, s.ts_micros)";

  /**
   * PostgreSQL: INSERT ... ON CONFLICT rather than MERGE (MERGE needs PostgreSQL 15, and even there a MERGE racing
   * another insert of the same key fails with a unique violation where ON CONFLICT updates).
   */
  private static final String UPSERT_POSTGRESQL = "INSERT INTO device_telemetry "
      + "(component, name, value_json, ts_micros, device_id) SELECT ?, ?, ?, ?, d.id FROM devices d WHERE d.id = ? "
      + "ON CONFLICT (device_id, component, name) DO UPDATE SET value_json = EXCLUDED.value_json, "
      + "ts_micros = EXCLUDED.ts_micros";

  private static final String UPDATE = "UPDATE device_telemetry SET value_json = ?, ts_micros = ? "
      + "WHERE device_id = ? AND component = ? AND name = ?";

  private final Database db;

  public SqlTelemetryRepository(Database db) {
    this.db = db;
  }

  /**
   * H2: the values are first tried as {@code UPDATE}s by primary key (a device's value replaces the one it sent last
   * time: almost every value after the first), and only those no row was found for go through the {@code MERGE} with
   * its join on {@code devices}, which costs several times an update. PostgreSQL: one {@code INSERT ... ON CONFLICT}.
   */
  @Override
  public Future<Void> saveLatest(List<TelemetryValue> values) {
    return db.transaction(c -> {
      if (db.dialect() == Dialect.POSTGRESQL) {
        write(c, UPSERT_POSTGRESQL, values);
      } else {
        List<TelemetryValue> missing = update(c, values);
        if (!missing.isEmpty()) {
          write(c, UPSERT, missing);
        }
      }
      return null;
    });
  }

  /** Updates the rows that exist; answers the values without one. */
  private static List<TelemetryValue> update(Connection c, List<TelemetryValue> values) throws SQLException {
    List<TelemetryValue> missing = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
      for (int from = 0; from < values.size(); from += BATCH) {
        List<TelemetryValue> chunk = values.subList(from, Math.min(values.size(), from + BATCH));
        for (TelemetryValue v : chunk) {
          ps.setString(1, JsonText.write(v.value()));
          ps.setLong(2, micros(v));
          ps.setString(3, v.deviceId());
          ps.setString(4, component(v));
          ps.setString(5, v.name());
          ps.addBatch();
        }
        int[] updated = ps.executeBatch();
        for (int i = 0; i < chunk.size(); i++) {
          if (updated[i] == 0) {
            missing.add(chunk.get(i));
          }
        }
      }
    }
    return missing;
  }

  /** One of the upserts, in batches (parameters: component, name, value, micros, device). */
  private static void write(Connection c, String upsert, List<TelemetryValue> values) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(upsert)) {
      int n = 0;
      for (TelemetryValue v : values) {
        ps.setString(1, component(v));
        ps.setString(2, v.name());
        ps.setString(3, JsonText.write(v.value()));
        ps.setLong(4, micros(v));
        ps.setString(5, v.deviceId());
        ps.addBatch();
        if (++n % BATCH == 0) {
          ps.executeBatch();
        }
      }
      if (n % BATCH != 0) {
        ps.executeBatch();
      }
    }
  }

  private static String component(TelemetryValue v) {
    return v.component() == null ? "" : v.component();
  }

  private static long micros(TelemetryValue v) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, v.timestamp());
  }

  @Override
  public Future<Optional<TelemetryValue>> latest(String deviceId, String component, String name) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT value_json, ts_micros FROM device_telemetry "
          + "WHERE device_id = ? AND component = ? AND name = ?")) {
        ps.setString(1, deviceId);
        ps.setString(2, component == null ? "" : component);
        ps.setString(3, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<TelemetryValue>empty();
          }
          return Optional.of(new TelemetryValue(deviceId, component, name,
              Instant.EPOCH.plus(rs.getLong(2), ChronoUnit.MICROS), JsonText.read(rs.getString(1))));
        }
      }
    });
  }
}
