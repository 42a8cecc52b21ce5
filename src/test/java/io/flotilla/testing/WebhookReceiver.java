package io.flotilla.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver for tests: a real Vert.x HTTP server on its own port that records every request (headers and
 * body) and answers as told: {@code up} (200), {@code failing} (503), {@code silent} (never answers). It can also stop
 * listening and listen again on the same port (a receiver that is down).
 */
public final class WebhookReceiver implements AutoCloseable {
  /** A request as received, and the status it got (0: none). */
  public record Received(Map<String, String> headers, String body, int answered) {
    public JsonNode json() {
      try {
        return ApiClient.JSON.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("Not JSON: " + body, e);
      }
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** How the receiver answers. */
  public enum Mode { UP, FAILING, SILENT }

  private final Vertx vertx = Vertx.vertx();
  private final int port;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger mostOpen = new AtomicInteger();
  private volatile Mode mode;
  private HttpServer server;

  private WebhookReceiver(int port, Mode mode) {
    this.port = port;
    this.mode = mode;
  }

  /** A receiver listening on a free port. */
  public static WebhookReceiver listening(Mode mode) {
    WebhookReceiver r = new WebhookReceiver(freePort(), mode);
    r.listen();
    return r;
  }

  /** A receiver that is not listening yet on the port it will use ({@link #listen}). */
  public static WebhookReceiver notListening(Mode mode) {
    return new WebhookReceiver(freePort(), mode);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  public void mode(Mode m) {
    this.mode = m;
  }

  public synchronized void listen() {
    if (server != null) {
      return;
    }
    try {
      server = vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("Listening on " + port + " failed", e);
    }
  }

  private void handle(HttpServerRequest req) {
    int now = open.incrementAndGet();
    mostOpen.accumulateAndGet(now, Math::max);
    req.connection().closeHandler(v -> { });
    req.body().onComplete(ar -> {
      Map<String, String> headers = new TreeMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      Mode m = mode;
      String body = ar.succeeded() ? ar.result().toString() : null;
      switch (m) {
        case UP -> {
          received.add(new Received(headers, body, 200));
          open.decrementAndGet();
          req.response().setStatusCode(200).end();
        }
        case FAILING -> {
          received.add(new Received(headers, body, 503));
          open.decrementAndGet();
          req.response().setStatusCode(503).end("{\"down\":true}");
        }
        case SILENT -> {
          received.add(new Received(headers, body, 0));
          req.response().closeHandler(v -> open.decrementAndGet());
        }
        default -> throw new IllegalStateException();
      }
    });
  }

  public synchronized void stopListening() {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().join();
      server = null;
    }
  }

  /** Every request so far. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The requests answered 200. */
  public List<Received> accepted() {
    return received.stream().filter(r -> r.answered() == 200).toList();
  }

  /** Requests that were open (not answered) at once, at most. */
  public int mostOpenAtOnce() {
    return mostOpen.get();
  }

  @Override
  public void close() {
    stopListening();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
