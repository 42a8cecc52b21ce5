package io.flotilla.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class with one real server (port 0, fresh data directory) for all its tests, and an admin API client.
 * Subclasses add their own {@code @BeforeAll} set-up, which runs after the server is up.
 */
public abstract class ServerTest {
  protected static TestServer server;
  protected static ApiClient api;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    api = server.api();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
