package io.flotilla.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;

/**
 * A PostgreSQL of one test's own that the test stops and starts again on the same data directory and port: a database
 * outage (clients see their connections closed, then connection refused, until it is back). Unlike
 * {@link PostgresDatabase}'s shared server, it keeps its data across stops; {@link #close} deletes it.
 */
public final class StoppablePostgres implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  private StoppablePostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Starts a fresh server with one database {@code flotilla}. */
  public static StoppablePostgres start() {
    // Not a createTempDirectory: when the tests run as root, PostgreSQL runs as an unprivileged user (see
    // PostgresDatabase) and must be able to reach the directory through /tmp.
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "flotilla-pg-" + UUID.randomUUID());
    StoppablePostgres pg = new StoppablePostgres(dir, freePort());
    pg.startAgain();
    try (Connection c = DriverManager.getConnection(pg.url("postgres"), "postgres", "postgres");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE flotilla");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return pg;
  }

  public String jdbcUrl() {
    return url("flotilla");
  }

  private String url(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  /** Stops the server (a fast shutdown: sessions are terminated); the data stays. */
  public void stop() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server again on the same data directory and port. */
  public void startAgain() {
    try {
      server = EmbeddedPostgres.builder()
          .setPgBinaryResolver(PostgresDatabase.WrappingBinaryResolver.INSTANCE)
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setRegisterShutdownHook(false)
          .setServerConfig("fsync", "off")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("max_connections", "100")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL on " + dataDir, e);
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (RuntimeException ignored) {
      // stopped already
    }
    try (var files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
