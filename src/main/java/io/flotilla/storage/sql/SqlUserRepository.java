package io.flotilla.storage.sql;

import io.flotilla.domain.auth.User;
import io.flotilla.domain.auth.UserRepository;
import io.flotilla.domain.auth.UserType;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

public final class SqlUserRepository implements UserRepository {
  private static final String COLUMNS = "id, user_type, email, tenant_id, object_id, roles";
  private final Database db;

  public SqlUserRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<User> write(String id, Function<Optional<User>, User> change) {
    return db.transaction(c -> {
      Optional<User> current = Rows.query(c, "SELECT " + COLUMNS + " FROM users WHERE id = ? FOR UPDATE",
          SqlUserRepository::row, id).stream().findFirst();
      User after = change.apply(current);
      if (!after.id().equals(id)) {
        throw new IllegalArgumentException("A change may not rename user " + id + " to " + after.id());
      }
      List<String> holders = Rows.query(c, "SELECT id FROM users WHERE principal_key = ? AND id <> ?",
          rs -> rs.getString(1), after.principalKey(), id);
      if (!holders.isEmpty()) {
        throw new FlotillaException.Conflict("User \"" + holders.get(0) + "\" already is this "
            + (after.type() == UserType.EMAIL ? "email address." : after.type().wire() + " (tenantId, objectId)."));
      }
      String sql = current.isPresent()
          ? "UPDATE users SET user_type = ?, email = ?, tenant_id = ?, object_id = ?, principal_key = ?, roles = ? "
              + "WHERE id = ?"
          : "INSERT INTO users (user_type, email, tenant_id, object_id, principal_key, roles, id, created_at) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, after.type().wire());
        ps.setString(2, after.email());
        ps.setString(3, after.tenantId());
        ps.setString(4, after.objectId());
        ps.setString(5, after.principalKey());
        ps.setString(6, RoleRows.write(after.roles()));
        ps.setString(7, id);
        if (current.isEmpty()) {
          ps.setTimestamp(8, Timestamp.from(Instant.now()));
        }
        ps.executeUpdate();
      }
      return after;
    });
  }

  @Override
  public Future<Optional<User>> find(String id) {
    return db.read(c -> Rows.query(c, "SELECT " + COLUMNS + " FROM users WHERE id = ?", SqlUserRepository::row, id)
        .stream().findFirst());
  }

  @Override
  public Future<Page<User>> list(PageRequest page) {
    return db.read(c -> Page.of(Rows.query(c, "SELECT " + COLUMNS + " FROM users WHERE id > ? ORDER BY id LIMIT ?",
        SqlUserRepository::row, page.after() == null ? "" : page.after(), page.limit() + 1), page.limit(), User::id));
  }

  @Override
  public Future<Boolean> delete(String id) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  private static User row(ResultSet rs) throws SQLException {
    return new User(rs.getString(1), UserType.of(rs.getString(2)).orElseThrow(), rs.getString(3), rs.getString(4),
        rs.getString(5), RoleRows.read(rs.getString(6)));
  }
}
