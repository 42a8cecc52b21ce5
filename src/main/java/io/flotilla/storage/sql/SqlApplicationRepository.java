package io.flotilla.storage.sql;

import io.flotilla.domain.auth.Application;
import io.flotilla.domain.auth.ApplicationRepository;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

public final class SqlApplicationRepository implements ApplicationRepository {
  private final Database db;

  public SqlApplicationRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Optional<Application>> find() {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name, id_scope FROM application");
           ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Application(rs.getString(1), rs.getString(2), rs.getString(3)))
            : Optional.<Application>empty();
      }
    });
  }

  @Override
  public Future<Void> create(Application a) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO application (id, name, id_scope, created_at) VALUES (?, ?, ?, ?)")) {
        ps.setString(1, a.id());
        ps.setString(2, a.name());
        ps.setString(3, a.idScope());
        ps.setTimestamp(4, Timestamp.from(Instant.now()));
        ps.executeUpdate();
        return null;
      }
    });
  }
}
