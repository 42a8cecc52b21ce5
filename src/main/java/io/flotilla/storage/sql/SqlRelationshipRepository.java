package io.flotilla.storage.sql;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.DeviceRelationship;
import io.flotilla.domain.device.RelationshipRepository;
import io.flotilla.domain.device.RelationshipService;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Device relationships in {@code device_relationships}; the devices' foreign keys remove them with a device. */
public final class SqlRelationshipRepository implements RelationshipRepository {
  private static final String COLUMNS = "id, source, target";
  private final Database db;

  public SqlRelationshipRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Optional<DeviceRelationship>> find(String id) {
    return db.read(c -> Rows.query(c, "SELECT " + COLUMNS + " FROM device_relationships WHERE id = ?",
        SqlRelationshipRepository::row, id).stream().findFirst());
  }

  @Override
  public Future<Page<DeviceRelationship>> list(String deviceId, PageRequest page) {
    String after = page.after() == null ? "" : page.after();
    // Each side walks its own index; the union is cut to the page.
    return db.read(c -> Page.of(Rows.query(c, "SELECT " + COLUMNS + " FROM ("
            + "(SELECT " + COLUMNS + " FROM device_relationships WHERE source = ? AND id > ? ORDER BY id LIMIT ?) "
            + "UNION (SELECT " + COLUMNS + " FROM device_relationships WHERE target = ? AND id > ? ORDER BY id LIMIT ?)"
            + ") r ORDER BY id LIMIT ?", SqlRelationshipRepository::row, deviceId, after, page.limit() + 1, deviceId,
        after, page.limit() + 1, page.limit() + 1), page.limit(), DeviceRelationship::id));
  }

  @Override
  public Future<DeviceRelationship> write(String id,
                                          Function<Optional<DeviceRelationship>, DeviceRelationship> change) {
    return db.transaction(c -> {
      Optional<DeviceRelationship> current = Rows.query(c, "SELECT " + COLUMNS
          + " FROM device_relationships WHERE id = ? FOR UPDATE", SqlRelationshipRepository::row, id).stream()
          .findFirst();
      DeviceRelationship after = change.apply(current);
      if (!after.id().equals(id)) {
        throw new IllegalArgumentException("A change may not rename relationship " + id + " to " + after.id());
      }
      // Named as a 400; the foreign keys keep a device deleted meanwhile from leaving the relationship behind.
      List<String> present = Rows.query(c, "SELECT id FROM devices WHERE id IN (?, ?)",
          rs -> rs.getString(1), after.source(), after.target());
      if (!present.contains(after.source())) {
        throw RelationshipService.missing("source", after.source());
      }
      if (!present.contains(after.target())) {
        throw RelationshipService.missing("target", after.target());
      }
      String sql = current.isPresent()
          ? "UPDATE device_relationships SET source = ?, target = ? WHERE id = ?"
          : "INSERT INTO device_relationships (source, target, id, created_at) VALUES (?, ?, ?, ?)";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, after.source());
        ps.setString(2, after.target());
        ps.setString(3, id);
        if (current.isEmpty()) {
          ps.setTimestamp(4, Timestamp.from(Instant.now()));
        }
        ps.executeUpdate();
      }
      return after;
    });
  }

  @Override
  public Future<Boolean> delete(String deviceId, String id) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM device_relationships WHERE id = ? AND (source = ? OR target = ?)")) {
        ps.setString(1, id);
        ps.setString(2, deviceId);
        ps.setString(3, deviceId);
        return ps.executeUpdate() > 0;
      }
    });
  }

  private static DeviceRelationship row(ResultSet rs) throws SQLException {
    return new DeviceRelationship(rs.getString(1), rs.getString(2), rs.getString(3));
  }
}
