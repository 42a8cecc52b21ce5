package io.flotilla.storage.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.flotilla.domain.common.FlotillaException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL database: a JDBC pool whose blocking calls run on a dedicated worker pool, never on an event loop.
 * Schema changes are Flyway migrations under {@code db/migration}.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final int POOL_SIZE = 8;
  /** Connections kept for lanes ({@link #lane}) beyond the main pool's workers (devices 4, telemetry history 3). */
  private static final int LANE_CONNECTIONS = 7;
  /**
   * How long a caller waits for a connection before its request fails with 503: short, so that while the database is
   * down or unreachable requests are answered (ServiceUnavailable, Retry-After) instead of hanging for Hikari's 30 s.
   */
  static final long CONNECTION_TIMEOUT_MS = 3_000;
  private static final String MIGRATIONS = "classpath:db/migration";
  /**
   * SQL states that say the database cannot be reached or cannot write now (not that the request is wrong): class 08
   * (connection exceptions), PostgreSQL's shutdown states (57P01-57P03) and 53300 (too many connections), H2's I/O,
   * disk-full, read-only and closed-database errors.
   */
  /** What H2 wraps (as a general error, 50000) when its file cannot be written: a full disk, say. */
  private static final String H2_STORE_FAILURE = "org.h2.mvstore.MVStoreException";
  private static final java.util.Set<String> UNREACHABLE = java.util.Set.of("57P01", "57P02", "57P03", "53300",
      "90028", "90031", "90097", "90098", "90100", "90121");

  private final HikariDataSource dataSource;
  private final WorkerExecutor workers;
  private final Dialect dialect;
  private final boolean ownsPool;

  private Database(HikariDataSource dataSource, WorkerExecutor workers, Dialect dialect, boolean ownsPool) {
    this.dataSource = dataSource;
    this.workers = workers;
    this.dialect = dialect;
    this.ownsPool = ownsPool;
  }

  /**
   * The same database through its own {@code threads} workers and queue: work queued on a lane (say, ten thousand
   * devices writing their twins at once) does not wait behind, or hold up, work queued on the main one (API requests,
   * the job engine). Closing a lane stops its workers only.
   */
  public Database lane(Vertx vertx, String name, int threads) {
    return new Database(dataSource, vertx.createSharedWorkerExecutor(name, Math.min(threads, 4)),
        dialect, false);
  }

  /** Opens the pool and migrates the schema (blocking: call at start-up, off the event loop). */
  public static Database open(Vertx vertx, String url, String user, String password, MeterRegistry registry) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    if (user != null) {
      hc.setUsername(user);
    }
    if (password != null) {
      hc.setPassword(password);
    }
    hc.setMaximumPoolSize(POOL_SIZE + LANE_CONNECTIONS);
    hc.setMinimumIdle(2);
    hc.setPoolName("flotilla-db");
    hc.setAutoCommit(true);
    hc.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    hc.setExceptionOverrideClassName(BrokenConnections.class.getName());
    hc.setValidationTimeout(Math.min(1_000, CONNECTION_TIMEOUT_MS - 500));
    if (registry != null) {
      hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }
    // An embedded H2 file is copied before migrations (its DDL commits statement by statement); a start after an
    // interrupted migration restores the copy first. Done before the pool opens the file.
    MigrationGuard guard = MigrationGuard.of(url);
    if (guard != null) {
      guard.before(Flyway.configure().dataSource(url, user, password).locations(MIGRATIONS).load());
    }
    HikariDataSource ds = new HikariDataSource(hc);
    Dialect dialect = Dialect.of(url);
    try {
      var flyway = Flyway.configure().dataSource(ds).locations(MIGRATIONS);
      MigrationHalt halt = MigrationHalt.fromSystemProperty(); // test only: null unless a test asks for it
      (halt == null ? flyway : flyway.callbacks(halt)).load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    if (guard != null) {
      guard.done();
    }
    LOG.info("Database ready ({})", dialect);
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("flotilla-db", POOL_SIZE);
    return new Database(ds, workers, dialect, true);
  }

  public Dialect dialect() {
    return dialect;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Runs {@code work} on one connection in auto-commit mode. */
  public <T> Future<T> read(SqlWork<T> work) {
    return workers.executeBlocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        return work.run(c);
      } catch (SQLException e) {
        throw translate(e);
      }
    }, false);
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
  public <T> Future<T> transaction(SqlWork<T> work) {
    return workers.executeBlocking(() -> inTransaction(work), false);
  }

  /** Blocking form of {@link #transaction} for code already on a worker thread. */
  public <T> T inTransaction(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          // the connection broke (and was evicted): the first error is the one that tells what happened
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        try {
          c.setAutoCommit(true);
        } catch (SQLException broken) {
          // evicted already; the pool resets the state of connections it keeps
        }
      }
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /**
   * What a database error means to a client. Writes are validated before they get here, so these are the ones that
   * slip through: an integrity violation is the client's (a duplicate or a reference that went away: 409; a value
   * the schema rejects: 400), a lock or serialization failure is the server being busy (503, try again); only the
   * rest are the server's (500).
   */
  static RuntimeException translate(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String detail = e.getMessage() == null ? "" : e.getMessage();
    if (unreachable(e)) {
      LOG.warn("Database unavailable ({}): {}", state, abbreviate(detail));
      return new FlotillaException.Unavailable("The database is unavailable; try again later.");
    }
    if (state.startsWith("22") || state.equals("23502") || state.equals("23514")) {
      LOG.warn("Rejected a value the database cannot store ({}): {}", state, abbreviate(detail));
      return new FlotillaException.Invalid("The request holds a value the database cannot store (too long, out of "
          + "range or missing).");
    }
    if (state.startsWith("23")) {
      LOG.debug("Integrity violation ({}): {}", state, abbreviate(detail));
      return new FlotillaException.Conflict("The resource conflicts with an existing one, or refers to one that no "
          + "longer exists.");
    }
    if (state.equals("40001") || state.equals("40P01") || state.equals("HYT00") || state.equals("55P03")) {
      LOG.warn("Database busy ({}): {}", state, abbreviate(detail));
      return new FlotillaException.Unavailable("The database is busy with conflicting changes; try again.");
    }
    return new IllegalStateException("Database error: " + abbreviate(detail), e);
  }

  /**
   * Whether {@code e} says the database is out of reach or cannot store anything now (a pool timeout, a broken
   * connection, a server shutting down, a full or read-only disk), looking through its causes.
   */
  static boolean unreachable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.io.IOException || H2_STORE_FAILURE.equals(t.getClass().getName())) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (s instanceof SQLException suppressed && unreachable(suppressed)) {
          return true;
        }
      }
      if (t instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || UNREACHABLE.contains(s.getSQLState()))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static String abbreviate(String s) {
    return s.length() > 500 ? s.substring(0, 500) + "..." : s;
  }

  /** True when the database answers a trivial query. */
  public Future<Boolean> ping() {
    return read(c -> c.isValid(2));
  }

  @Override
  public void close() {
    workers.close();
    if (ownsPool) {
      dataSource.close();
    }
  }

  /** One unit of JDBC work. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }
}
