package io.flotilla.storage.sql;

import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.group.DeviceGroup;
import io.flotilla.domain.group.GroupRepository;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.domain.common.OrganizationScope;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

public final class SqlGroupRepository implements GroupRepository {
  private static final String COLUMNS = "id, display_name, description, filter, etag, organizations";
  private final Database db;

  public SqlGroupRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> save(DeviceGroup g) {
    return db.transaction(c -> {
      if (!write(c, g)) {
        insert(c, g);
      }
      return null;
    });
  }

  @Override
  public Future<Void> insert(DeviceGroup g) {
    return db.transaction(c -> {
      insert(c, g);
      return null;
    });
  }

  @Override
  public Future<Optional<DeviceGroup>> update(String id, UnaryOperator<DeviceGroup> change) {
    return db.transaction(c -> {
      List<DeviceGroup> locked = Rows.query(c, "SELECT " + COLUMNS + " FROM device_groups WHERE id = ? FOR UPDATE",
          SqlGroupRepository::row, id);
      if (locked.isEmpty()) {
        return Optional.<DeviceGroup>empty();
      }
      DeviceGroup after = change.apply(locked.get(0));
      if (!after.id().equals(id)) {
        throw new IllegalArgumentException("A change may not rename group " + id + " to " + after.id());
      }
      write(c, after);
      return Optional.of(after);
    });
  }

  private static void insert(Connection c, DeviceGroup g) throws SQLException {
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO device_groups (" + COLUMNS
        + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ins.setString(1, g.id());
      ins.setString(2, g.displayName());
      ins.setString(3, g.description());
      ins.setString(4, g.filter().text());
      ins.setString(5, g.etag());
      ins.setString(6, Rows.joinOrgs(g.organizations()));
      ins.setTimestamp(7, Timestamp.from(Instant.now()));
      ins.executeUpdate();
    }
  }

  /** Overwrites the stored group; false when there is none. */
  private static boolean write(Connection c, DeviceGroup g) throws SQLException {
    try (PreparedStatement up = c.prepareStatement("UPDATE device_groups SET display_name = ?, description = ?, "
        + "filter = ?, etag = ?, organizations = ? WHERE id = ?")) {
      up.setString(1, g.displayName());
      up.setString(2, g.description());
      up.setString(3, g.filter().text());
      up.setString(4, g.etag());
      up.setString(5, Rows.joinOrgs(g.organizations()));
      up.setString(6, g.id());
      return up.executeUpdate() > 0;
    }
  }

  @Override
  public Future<Optional<DeviceGroup>> find(String id) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM device_groups WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.<DeviceGroup>empty();
        }
      }
    });
  }

  @Override
  public Future<Page<DeviceGroup>> list(OrganizationScope scope, PageRequest page) {
    SqlPredicate within = OrganizationSql.within("organizations", scope);
    List<Object> params = new ArrayList<>(within.parameters());
    params.add(page.after() == null ? "" : page.after());
    params.add(page.limit() + 1);
    return db.read(c -> Page.of(Rows.query(c, "SELECT " + COLUMNS + " FROM device_groups WHERE " + within.sql()
        + " AND id > ? ORDER BY id LIMIT ?", SqlGroupRepository::row, params.toArray()), page.limit(),
        DeviceGroup::id));
  }

  private static final ListSql.Table LIST = new ListSql.Table(java.util.Map.of("id", "id",
      "displayName", "display_name", "scopes", "organizations"), "id", "display_name");

  @Override
  public Future<Page<DeviceGroup>> select(ListQuery query, OrganizationScope scope, PageRequest page) {
    ListSql.Page p = ListSql.page(LIST, query.filter(), query.order(), page.after(), List.of())
        .within(OrganizationSql.within("organizations", scope));
    List<Object> params = new ArrayList<>(p.parameters());
    params.add(page.limit() + 1);
    String sql = "SELECT " + COLUMNS + " FROM device_groups WHERE " + p.where() + " ORDER BY " + p.orderBy()
        + " LIMIT ?";
    return db.read(c -> Page.of(Rows.query(c, sql, SqlGroupRepository::row, params.toArray()), page.limit(),
        g -> query.order().key(g.id(), g.displayName())));
  }

  @Override
  public Future<Boolean> delete(String id) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM device_groups WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  private static DeviceGroup row(ResultSet rs) throws SQLException {
    return new DeviceGroup(rs.getString(1), rs.getString(2), rs.getString(3), FilterParser.parse(rs.getString(4)),
        rs.getString(5), Rows.splitOrgs(rs.getString(6)));
  }
}
