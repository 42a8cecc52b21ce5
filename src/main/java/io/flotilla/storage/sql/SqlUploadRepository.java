package io.flotilla.storage.sql;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.upload.FileUpload;
import io.flotilla.domain.upload.UploadRepository;
import io.flotilla.domain.upload.UploadSettings;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** {@code file_upload_settings} (one row, id 1) and {@code file_uploads}. */
public final class SqlUploadRepository implements UploadRepository {
  private static final int SETTINGS_ID = 1;
  private static final String SETTINGS = "account, connection_string, container, sas_ttl_seconds, read_access, state, "
      + "etag, signing_key";
  private static final String UPLOADS = "correlation_id, device_id, container, blob_name, requested_at, expires_at, "
      + "size_bytes, stored_at, completed_at, success, status_code, status_description";
  private final Database db;

  public SqlUploadRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Optional<UploadSettings>> settings() {
    return db.read(c -> settings(c, ""));
  }

  @Override
  public Future<Boolean> createSettings(UploadSettings s) {
    return db.transaction(c -> {
      if (settings(c, " FOR UPDATE").isPresent()) {
        return false;
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO file_upload_settings (" + SETTINGS
          + ", id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        bind(ps, s);
        ps.setInt(9, SETTINGS_ID);
        ps.executeUpdate();
      }
      return true;
    });
  }

  @Override
  public Future<Optional<UploadSettings>> updateSettings(UnaryOperator<UploadSettings> change) {
    return db.transaction(c -> {
      Optional<UploadSettings> current = settings(c, " FOR UPDATE");
      if (current.isEmpty()) {
        return Optional.<UploadSettings>empty();
      }
      UploadSettings after = change.apply(current.get());
      try (PreparedStatement ps = c.prepareStatement("UPDATE file_upload_settings SET account = ?, "
          + "connection_string = ?, container = ?, sas_ttl_seconds = ?, read_access = ?, state = ?, etag = ?, "
          + "signing_key = ? WHERE id = ?")) {
        bind(ps, after);
        ps.setInt(9, SETTINGS_ID);
        ps.executeUpdate();
      }
      return Optional.of(after);
    });
  }

  @Override
  public Future<Boolean> deleteSettings() {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM file_upload_settings WHERE id = ?")) {
        ps.setInt(1, SETTINGS_ID);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Future<Void> insert(FileUpload u) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO file_uploads (" + UPLOADS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, u.correlationId());
        ps.setString(2, u.deviceId());
        ps.setString(3, u.container());
        ps.setString(4, u.blobName());
        ps.setTimestamp(5, Timestamp.from(u.requestedAt()));
        ps.setTimestamp(6, Timestamp.from(u.expiresAt()));
        ps.setObject(7, u.sizeBytes(), Types.BIGINT);
        ps.setTimestamp(8, timestamp(u.storedAt()));
        ps.setTimestamp(9, timestamp(u.completedAt()));
        ps.setObject(10, u.success(), Types.BOOLEAN);
        ps.setObject(11, u.statusCode(), Types.INTEGER);
        ps.setString(12, u.statusDescription());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Optional<FileUpload>> find(String correlationId) {
    return db.read(c -> {
      List<FileUpload> rows = uploads(c, "SELECT " + UPLOADS + " FROM file_uploads WHERE correlation_id = ?", 1,
          correlationId);
      return rows.isEmpty() ? Optional.<FileUpload>empty() : Optional.of(rows.get(0));
    });
  }

  @Override
  public Future<Boolean> stored(String correlationId, long sizeBytes, Instant at) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE file_uploads SET size_bytes = ?, stored_at = ? "
          + "WHERE correlation_id = ?")) {
        ps.setLong(1, sizeBytes);
        ps.setTimestamp(2, Timestamp.from(at));
        ps.setString(3, correlationId);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Future<Boolean> completed(String deviceId, String correlationId, boolean success, Integer statusCode,
                                   String statusDescription, Instant at) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE file_uploads SET completed_at = ?, success = ?, "
          + "status_code = ?, status_description = ? WHERE correlation_id = ? AND device_id = ? "
          + "AND completed_at IS NULL")) {
        ps.setTimestamp(1, Timestamp.from(at));
        ps.setBoolean(2, success);
        ps.setObject(3, statusCode, Types.INTEGER);
        ps.setString(4, statusDescription);
        ps.setString(5, correlationId);
        ps.setString(6, deviceId);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Future<Page<FileUpload>> list(String deviceId, PageRequest page) {
    String after = page.after() == null ? "" : page.after();
    return db.read(c -> Page.of(deviceId == null
        ? uploads(c, "SELECT " + UPLOADS + " FROM file_uploads WHERE correlation_id > ? ORDER BY correlation_id",
            page.limit() + 1, after)
        : uploads(c, "SELECT " + UPLOADS + " FROM file_uploads WHERE device_id = ? AND correlation_id > ? "
            + "ORDER BY correlation_id", page.limit() + 1, deviceId, after),
        page.limit(), FileUpload::correlationId));
  }

  private static Optional<UploadSettings> settings(Connection c, String lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + SETTINGS + " FROM file_upload_settings WHERE id = ?"
        + lock)) {
      ps.setInt(1, SETTINGS_ID);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new UploadSettings(rs.getString(1), rs.getString(2), rs.getString(3),
            Duration.ofSeconds(rs.getLong(4)), rs.getBoolean(5), rs.getString(6), rs.getString(7), rs.getString(8)));
      }
    }
  }

  private static void bind(PreparedStatement ps, UploadSettings s) throws SQLException {
    ps.setString(1, s.account());
    ps.setString(2, s.connectionString());
    ps.setString(3, s.container());
    ps.setLong(4, s.sasTtl().toSeconds());
    ps.setBoolean(5, s.readAccess());
    ps.setString(6, s.state());
    ps.setString(7, s.etag());
    ps.setString(8, s.signingKey());
  }

  private static List<FileUpload> uploads(Connection c, String sql, int max, String... params) throws SQLException {
    List<FileUpload> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      ps.setMaxRows(max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new FileUpload(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)), rs.getObject(7, Long.class),
              instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)), rs.getObject(10, Boolean.class),
              rs.getObject(11, Integer.class), rs.getString(12)));
        }
      }
    }
    return out;
  }

  private static Timestamp timestamp(Instant at) {
    return at == null ? null : Timestamp.from(at);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
