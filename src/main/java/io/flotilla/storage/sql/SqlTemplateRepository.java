package io.flotilla.storage.sql;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.template.TemplateRepository;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

public final class SqlTemplateRepository implements TemplateRepository {
  private final Database db;

  public SqlTemplateRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Boolean> save(Stored t) {
    return db.transaction(c -> {
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE device_templates SET display_name = ?, document = ?, etag = ? WHERE id = ?")) {
        up.setString(1, t.displayName());
        up.setString(2, JsonText.write(t.document()));
        up.setString(3, t.etag());
        up.setString(4, t.id());
        if (up.executeUpdate() > 0) {
          return false;
        }
      }
      try (PreparedStatement ins = c.prepareStatement(
          "INSERT INTO device_templates (id, display_name, document, etag, created_at) VALUES (?, ?, ?, ?, ?)")) {
        ins.setString(1, t.id());
        ins.setString(2, t.displayName());
        ins.setString(3, JsonText.write(t.document()));
        ins.setString(4, t.etag());
        ins.setTimestamp(5, Timestamp.from(Instant.now()));
        ins.executeUpdate();
        return true;
      }
    });
  }

  @Override
  public Future<Optional<Stored>> update(String id, UnaryOperator<Stored> change) {
    return db.transaction(c -> {
      List<Stored> locked = Rows.query(c, "SELECT id, display_name, document, etag FROM device_templates "
          + "WHERE id = ? FOR UPDATE", SqlTemplateRepository::row, id);
      if (locked.isEmpty()) {
        return Optional.<Stored>empty();
      }
      Stored after = change.apply(locked.get(0));
      if (!after.id().equals(id)) {
        throw new IllegalArgumentException("A change may not rename template " + id + " to " + after.id());
      }
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE device_templates SET display_name = ?, document = ?, etag = ? WHERE id = ?")) {
        up.setString(1, after.displayName());
        up.setString(2, JsonText.write(after.document()));
        up.setString(3, after.etag());
        up.setString(4, id);
        up.executeUpdate();
      }
      return Optional.of(after);
    });
  }

  @Override
  public Future<Optional<Stored>> find(String id) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, display_name, document, etag FROM device_templates WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.<Stored>empty();
        }
      }
    });
  }

  @Override
  public Future<Page<Stored>> list(PageRequest page) {
    return db.read(c -> {
      List<Stored> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, display_name, document, etag FROM device_templates WHERE id > ? ORDER BY id LIMIT ?")) {
        ps.setString(1, page.after() == null ? "" : page.after());
        ps.setInt(2, page.limit() + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(row(rs));
          }
        }
      }
      return Page.of(rows, page.limit(), Stored::id);
    });
  }

  @Override
  public Future<Void> deleteUnused(String id) {
    return db.transaction(c -> {
      try (PreparedStatement lock = c.prepareStatement("SELECT id FROM device_templates WHERE id = ? FOR UPDATE")) {
        lock.setString(1, id);
        try (ResultSet rs = lock.executeQuery()) {
          if (!rs.next()) {
            throw new FlotillaException.NotFound("Device template \"" + id + "\" not found.");
          }
        }
      }
      try (PreparedStatement used = c.prepareStatement("SELECT 1 FROM devices WHERE template_id = ? LIMIT 1")) {
        used.setString(1, id);
        try (ResultSet rs = used.executeQuery()) {
          if (rs.next()) {
            throw new FlotillaException.Conflict("Device template \"" + id
                + "\" is assigned to devices; migrate or delete them first.");
          }
        }
      }
      try (PreparedStatement del = c.prepareStatement("DELETE FROM device_templates WHERE id = ?")) {
        del.setString(1, id);
        del.executeUpdate();
      }
      return null;
    });
  }

  private static Stored row(ResultSet rs) throws SQLException {
    return new Stored(rs.getString(1), rs.getString(2), JsonText.readObject(rs.getString(3)), rs.getString(4));
  }
}
