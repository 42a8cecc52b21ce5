package io.flotilla.storage.sql;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.ListQuery;
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
          "UPDATE device_templates SET display_name = ?, document = ?, etag = ?, capability_model_id = ? "
              + "WHERE id = ?")) {
        up.setString(1, storedName(t.displayName()));
        up.setString(2, JsonText.write(t.document()));
        up.setString(3, t.etag());
        up.setString(4, capabilityModelId(t));
        up.setString(5, t.id());
        if (up.executeUpdate() > 0) {
          return false;
        }
      }
      try (PreparedStatement ins = c.prepareStatement(
          "INSERT INTO device_templates (id, display_name, document, etag, created_at, capability_model_id) "
              + "VALUES (?, ?, ?, ?, ?, ?)")) {
        ins.setString(1, t.id());
        ins.setString(2, storedName(t.displayName()));
        ins.setString(3, JsonText.write(t.document()));
        ins.setString(4, t.etag());
        ins.setTimestamp(5, Timestamp.from(Instant.now()));
        ins.setString(6, capabilityModelId(t));
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
          "UPDATE device_templates SET display_name = ?, document = ?, etag = ?, capability_model_id = ? "
              + "WHERE id = ?")) {
        up.setString(1, storedName(after.displayName()));
        up.setString(2, JsonText.write(after.document()));
        up.setString(3, after.etag());
        up.setString(4, capabilityModelId(after));
        up.setString(5, id);
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

  private static final ListSql.Table LIST = new ListSql.Table(java.util.Map.of("@id", "id",
      "displayName", "display_name", "capabilityModelId", "capability_model_id"), "id", "display_name");
  /** Whether rows stored before capability_model_id existed have been given theirs (once per process). */
  private volatile boolean capabilityModelIdsFilled;

  @Override
  public Future<Page<Stored>> select(ListQuery query, PageRequest page) {
    ListSql.Page p = ListSql.page(LIST, query.filter(), query.order(), page.after(), List.of());
    List<Object> params = new ArrayList<>(p.parameters());
    params.add(page.limit() + 1);
    String sql = "SELECT id, display_name, document, etag FROM device_templates WHERE " + p.where() + " ORDER BY "
        + p.orderBy() + " LIMIT ?";
    Future<Void> ready = capabilityModelIdsFilled ? Future.succeededFuture() : fillCapabilityModelIds();
    return ready.compose(v -> db.read(c -> Page.of(Rows.query(c, sql, SqlTemplateRepository::row,
        params.toArray()), page.limit(), t -> query.order().key(t.id(), storedName(t.displayName())))));
  }

  /** Sets capability_model_id of templates stored before the column existed (V40); later writes set it. */
  private Future<Void> fillCapabilityModelIds() {
    return db.transaction(c -> {
      List<Stored> missing = Rows.query(c, "SELECT id, display_name, document, etag FROM device_templates "
          + "WHERE capability_model_id IS NULL", SqlTemplateRepository::row);
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE device_templates SET capability_model_id = ? WHERE id = ? AND capability_model_id IS NULL")) {
        for (Stored t : missing) {
          up.setString(1, capabilityModelId(t));
          up.setString(2, t.id());
          up.addBatch();
        }
        if (!missing.isEmpty()) {
          up.executeBatch();
        }
      }
      capabilityModelIdsFilled = true;
      return null;
    });
  }

  private static String capabilityModelId(Stored t) {
    return t.document().path("capabilityModel").path("@id").asText("");
  }

  /** A template without display name is stored with '' so it takes part in the (display_name, id) order. */
  private static String storedName(String displayName) {
    return displayName == null ? "" : displayName;
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
    String name = rs.getString(2);
    return new Stored(rs.getString(1), name == null || name.isEmpty() ? null : name,
        JsonText.readObject(rs.getString(3)), rs.getString(4));
  }
}
