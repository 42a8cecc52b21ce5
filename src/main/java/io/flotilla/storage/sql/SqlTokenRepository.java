package io.flotilla.storage.sql;

import io.flotilla.domain.auth.ApiToken;
import io.flotilla.domain.auth.TokenRepository;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
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

public final class SqlTokenRepository implements TokenRepository {
  private static final String COLUMNS = "id, secret_hash, roles, expiry_ms";
  private final Database db;

  public SqlTokenRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> save(ApiToken t) {
    return db.transaction(c -> {
      delete(c, t.id());
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO api_tokens (id, secret_hash, roles, expiry_ms, created_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, t.id());
        ps.setString(2, t.secretHash());
        ps.setString(3, RoleRows.write(t.roles()));
        ps.setLong(4, t.expiry().toEpochMilli());
        ps.setTimestamp(5, Timestamp.from(Instant.now()));
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Optional<ApiToken>> find(String id) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.<ApiToken>empty();
        }
      }
    });
  }

  @Override
  public Future<Page<ApiToken>> list(PageRequest page) {
    return db.read(c -> {
      List<ApiToken> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE id > ? ORDER BY id LIMIT ?")) {
        ps.setString(1, page.after() == null ? "" : page.after());
        ps.setInt(2, page.limit() + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(row(rs));
          }
        }
      }
      return Page.of(rows, page.limit(), ApiToken::id);
    });
  }

  @Override
  public Future<Boolean> delete(String id) {
    return db.transaction(c -> delete(c, id) > 0);
  }

  private static int delete(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE id = ?")) {
      ps.setString(1, id);
      return ps.executeUpdate();
    }
  }

  private static ApiToken row(ResultSet rs) throws SQLException {
    return new ApiToken(rs.getString(1), rs.getString(2), RoleRows.read(rs.getString(3)),
        Instant.ofEpochMilli(rs.getLong(4)));
  }
}
