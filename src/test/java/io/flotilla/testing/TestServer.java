package io.flotilla.testing;

import io.flotilla.app.Config;
import io.flotilla.app.Flotilla;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;

/**
 * A real Flotilla server on free ports in a fresh data directory, and an API client for it. Its clock is a
 * {@link TestClock}: a test moves it ahead to pass an expiry instead of sleeping.
 */
public final class TestServer implements AutoCloseable {
  private final Path dataDir;
  private final Flotilla server;
  private final ApiClient api;
  private final TestClock clock;

  private TestServer(Path dataDir, Flotilla server, TestClock clock) {
    this.dataDir = dataDir;
    this.server = server;
    this.clock = clock;
    this.api = new ApiClient(server.httpPort(), server.adminToken());
  }

  public static TestServer start() {
    return start(c -> c);
  }

  public static TestServer start(UnaryOperator<Config> tweak) {
    try {
      Path dir = Files.createTempDirectory("flotilla-test");
      TestClock clock = new TestClock();
      return new TestServer(dir, Flotilla.start(tweak.apply(Config.forTests(dir)), clock), clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts another server on an existing data directory (a restart). */
  public static TestServer restart(Path dataDir, UnaryOperator<Config> tweak) {
    TestClock clock = new TestClock();
    return new TestServer(dataDir, Flotilla.start(tweak.apply(Config.forTests(dataDir)), clock), clock);
  }

  public ApiClient api() {
    return api;
  }

  public Flotilla server() {
    return server;
  }

  /** The server's clock: the system's time, moved ahead by the test as it needs. */
  public TestClock clock() {
    return clock;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops the server but keeps the data directory (for restart tests). */
  public void stop() {
    api.close();
    server.close();
  }

  @Override
  public void close() {
    stop();
    try (var files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
