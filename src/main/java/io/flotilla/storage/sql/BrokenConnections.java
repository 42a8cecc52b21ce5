package io.flotilla.storage.sql;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells the pool to throw away a connection whose error says the database is out of reach or closed
 * ({@link Database#unreachable}). Hikari recognises PostgreSQL's broken connections by itself, not H2's: after a full
 * disk closed the embedded database, every pooled connection answered "database closed" (90098) for ever, although
 * a new one opens it again once space returns.
 */
public final class BrokenConnections implements SQLExceptionOverride {
  @java.lang.Override
  public Override adjudicate(SQLException e) {
    return Database.unreachable(e) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
  }
}
