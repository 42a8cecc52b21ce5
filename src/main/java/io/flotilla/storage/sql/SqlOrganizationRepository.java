package io.flotilla.storage.sql;

import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.organization.Hierarchy;
import io.flotilla.domain.organization.Organization;
import io.flotilla.domain.organization.OrganizationRepository;
import io.flotilla.domain.organization.ScopedResources;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Organizations, their tree of ancestors ({@code organization_tree}), and scope checks of stored resources. */
public final class SqlOrganizationRepository implements OrganizationRepository, ScopedResources {
  private static final String COLUMNS = "id, display_name, parent";
  private final Database db;

  public SqlOrganizationRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Optional<Organization>> find(String id) {
    return db.read(c -> Rows.query(c, "SELECT " + COLUMNS + " FROM organizations WHERE id = ?",
        SqlOrganizationRepository::row, id).stream().findFirst());
  }

  @Override
  public Future<Page<Organization>> list(OrganizationScope scope, PageRequest page) {
    SqlPredicate p = OrganizationSql.within("o.id", scope);
    List<Object> params = new ArrayList<>(p.parameters());
    params.add(page.after() == null ? "" : page.after());
    params.add(page.limit() + 1);
    return db.read(c -> Page.of(Rows.query(c, "SELECT o.id, o.display_name, o.parent FROM organizations o WHERE "
        + p.sql() + " AND o.id > ? ORDER BY o.id LIMIT ?", SqlOrganizationRepository::row, params.toArray()),
        page.limit(), Organization::id));
  }

  @Override
  public Future<Organization> write(Function<Hierarchy, Organization> change) {
    return db.transaction(c -> {
      Hierarchy h = lockedHierarchy(c);
      Organization o = change.apply(h);
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE organizations SET display_name = ?, parent = ? WHERE id = ?")) {
        up.setString(1, o.displayName());
        up.setString(2, o.parent());
        up.setString(3, o.id());
        if (up.executeUpdate() == 0) {
          try (PreparedStatement ins = c.prepareStatement("INSERT INTO organizations (" + COLUMNS
              + ", created_at) VALUES (?, ?, ?, ?)")) {
            ins.setString(1, o.id());
            ins.setString(2, o.displayName());
            ins.setString(3, o.parent());
            ins.setTimestamp(4, Timestamp.from(Instant.now()));
            ins.executeUpdate();
          }
        }
      }
      rebuildTree(c);
      return o;
    });
  }

  @Override
  public Future<Removal> delete(String id) {
    return db.transaction(c -> {
      lockedHierarchy(c);
      if (Rows.query(c, "SELECT id FROM organizations WHERE id = ?", rs -> rs.getString(1), id).isEmpty()) {
        return new Removal(false, Set.of());
      }
      Set<String> blockers = new LinkedHashSet<>();
      count(c, blockers, "sub-organizations", "SELECT COUNT(*) FROM organizations WHERE parent = ?", id);
      count(c, blockers, "devices", "SELECT COUNT(*) FROM devices WHERE organizations = ?", id);
      count(c, blockers, "device groups", "SELECT COUNT(*) FROM device_groups WHERE organizations = ?", id);
      count(c, blockers, "scheduled jobs", "SELECT COUNT(*) FROM scheduled_jobs WHERE organizations = ?", id);
      count(c, blockers, "unfinished jobs", "SELECT COUNT(*) FROM jobs WHERE organizations = ? "
          + "AND status IN ('pending', 'running', 'stopped')", id);
      // Role assignments are stored as JSON text (RoleRows); organization ids hold no LIKE wildcards.
      String assigned = "%\"organization\":\"" + id + "\"%";
      count(c, blockers, "users", "SELECT COUNT(*) FROM users WHERE roles LIKE ?", assigned);
      count(c, blockers, "API tokens", "SELECT COUNT(*) FROM api_tokens WHERE roles LIKE ?", assigned);
      if (blockers.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM organizations WHERE id = ?")) {
          ps.setString(1, id);
          ps.executeUpdate();
        }
        rebuildTree(c);
      }
      return new Removal(true, blockers);
    });
  }

  @Override
  public Future<Set<String>> reachable(Collection<String> ids, OrganizationScope scope) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    SqlPredicate p = OrganizationSql.within("o.id", scope);
    List<Object> params = new ArrayList<>(ids);
    params.addAll(p.parameters());
    return db.read(c -> new HashSet<>(Rows.query(c, "SELECT o.id FROM organizations o WHERE o.id IN ("
        + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ") AND " + p.sql(),
        rs -> rs.getString(1), params.toArray())));
  }

  @Override
  public Future<Boolean> outside(Kind kind, String id, OrganizationScope scope) {
    if (scope.whole()) {
      return Future.succeededFuture(false);
    }
    String[] tableAndColumn = switch (kind) {
      case DEVICE -> new String[] {"devices", "organizations"};
      case DEVICE_GROUP -> new String[] {"device_groups", "organizations"};
      case JOB -> new String[] {"jobs", "organizations"};
      case SCHEDULED_JOB -> new String[] {"scheduled_jobs", "organizations"};
      case ORGANIZATION -> new String[] {"organizations", "id"};
    };
    SqlPredicate p = OrganizationSql.within("x." + tableAndColumn[1], scope);
    List<Object> params = new ArrayList<>();
    params.add(id);
    params.addAll(p.parameters());
    return db.read(c -> !Rows.query(c, "SELECT 1 FROM " + tableAndColumn[0] + " x WHERE x.id = ? AND NOT "
        + p.sql(), rs -> 1, params.toArray()).isEmpty());
  }

  /** Locks out other hierarchy changes for the transaction, then reads every organization. */
  private static Hierarchy lockedHierarchy(Connection c) throws SQLException {
    Rows.query(c, "SELECT id FROM organization_lock WHERE id = 1 FOR UPDATE", rs -> 1);
    return new Hierarchy(Rows.query(c, "SELECT " + COLUMNS + " FROM organizations", SqlOrganizationRepository::row));
  }

  /** Rewrites the closure from the parent links (at most 200 organizations x 5 levels). */
  private static void rebuildTree(Connection c) throws SQLException {
    List<Organization> all = Rows.query(c, "SELECT " + COLUMNS + " FROM organizations",
        SqlOrganizationRepository::row);
    Hierarchy h = new Hierarchy(all);
    try (PreparedStatement del = c.prepareStatement("DELETE FROM organization_tree")) {
      del.executeUpdate();
    }
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO organization_tree (ancestor_id, organization_id, depth) VALUES (?, ?, ?)")) {
      for (Organization o : all) {
        int depth = 0;
        for (String at = o.id(); at != null && depth <= all.size(); at = h.find(at).map(Organization::parent)
            .orElse(null)) {
          ins.setString(1, at);
          ins.setString(2, o.id());
          ins.setInt(3, depth++);
          ins.addBatch();
        }
      }
      ins.executeBatch();
    }
  }

  private static void count(Connection c, Set<String> blockers, String what, String sql, String param)
      throws SQLException {
    long n = Rows.query(c, sql, rs -> rs.getLong(1), param).get(0);
    if (n > 0) {
      blockers.add(n + " " + what);
    }
  }

  private static Organization row(ResultSet rs) throws SQLException {
    return new Organization(rs.getString(1), rs.getString(2), rs.getString(3));
  }
}
