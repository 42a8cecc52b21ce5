package io.flotilla.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client over a real Vert.x HTTP client, for tests: parses {@code id}, {@code event} and
 * {@code data} fields into events as they arrive, notices the end of the stream, and can drop the connection.
 */
public final class SseClient implements AutoCloseable {
  /** One event as received, with when it arrived. */
  public record Event(String id, String type, String data, Instant received) {
    public JsonNode json() {
      try {
        return ApiClient.JSON.readTree(data);
      } catch (Exception e) {
        throw new AssertionError("Not JSON: " + data, e);
      }
    }
  }

  private static final Event END = new Event(null, "(end)", null, null);

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final StringBuilder body = new StringBuilder();
  private final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile HttpClientResponse response;
  private volatile boolean ended;
  private String id;
  private String type;
  private StringBuilder data;

  private SseClient() {
  }

  /** Opens {@code path} (api-version added) on the server at {@code port}; answers once the headers arrived. */
  public static SseClient open(int port, String token, String path, Map<String, String> headers) {
    SseClient c = new SseClient();
    String uri = path + (path.contains("?") ? "&" : "?") + "api-version=" + ApiClient.VERSION;
    CompletableFuture<HttpClientResponse> opened = new CompletableFuture<>();
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri)
        .putHeader("Accept", "text/event-stream");
    if (token != null) {
      o.putHeader("Authorization", token);
    }
    headers.forEach(o::putHeader);
    c.client.request(o).compose(req -> req.send()).onSuccess(r -> {
      c.response = r;
      RecordParser lines = RecordParser.newDelimited("\n", c::line);
      r.handler(b -> {
        c.body.append(b.toString(StandardCharsets.UTF_8));
        lines.handle(b);
      });
      r.endHandler(v -> c.end());
      r.exceptionHandler(e -> c.end());
      opened.complete(r);
    }).onFailure(opened::completeExceptionally);
    try {
      opened.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      c.close();
      throw new AssertionError("Opening " + uri + " failed", e);
    }
    return c;
  }

  private void line(Buffer b) {
    String l = b.toString(StandardCharsets.UTF_8);
    if (l.endsWith("\r")) {
      l = l.substring(0, l.length() - 1);
    }
    if (l.isEmpty()) {
      if (data != null || type != null) {
        events.add(new Event(id, type == null ? "message" : type, data == null ? "" : data.toString(),
            Instant.now()));
      }
      type = null;
      data = null;
      return;
    }
    if (l.startsWith(":")) {
      comments.add(l);
      return;
    }
    int colon = l.indexOf(':');
    String field = colon < 0 ? l : l.substring(0, colon);
    String value = colon < 0 ? "" : l.substring(colon + 1).replaceFirst("^ ", "");
    switch (field) {
      case "id" -> id = value;
      case "event" -> type = value;
      case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      default -> { }
    }
  }

  private void end() {
    if (!ended) {
      ended = true;
      events.add(END);
    }
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.getHeader(name);
  }

  /** The whole body so far (for error answers). */
  public String body() {
    return body.toString();
  }

  /** Comment lines received (keep-alives). */
  public List<String> comments() {
    return comments;
  }

  /** The next event, or null when the stream ended or none came within {@code timeout}. */
  public Event next(Duration timeout) {
    try {
      Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (e == END) {
        events.add(END);
        return null;
      }
      return e;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new AssertionError(ex);
    }
  }

  /** Reads events until {@code until} holds for one (included) or the stream ends; fails after {@code timeout}. */
  public List<Event> readUntil(java.util.function.Predicate<Event> until, Duration timeout) {
    List<Event> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("No event matched within " + timeout + "; received " + out.size() + ": "
            + (out.isEmpty() ? "" : out.get(out.size() - 1)));
      }
      Event e = next(Duration.ofNanos(left));
      if (e == null) {
        if (ended) {
          return out;
        }
        continue;
      }
      out.add(e);
      if (until.test(e)) {
        return out;
      }
    }
  }

  /** Reads every event until the server ends the stream; fails after {@code timeout}. */
  public List<Event> readToEnd(Duration timeout) {
    List<Event> out = readUntil(e -> false, timeout);
    if (!ended) {
      throw new AssertionError("The stream did not end");
    }
    return out;
  }

  /** Whether the server ended the stream (or the connection closed). */
  public boolean ended() {
    return ended;
  }

  /** Stops reading: the server's writes back up (back-pressure). */
  public void pause() {
    response.pause();
  }

  public void resume() {
    response.resume();
  }

  /** Drops the connection (as a client that goes away does). */
  public void disconnect() {
    if (response != null) {
      response.request().connection().close();
    }
  }

  @Override
  public void close() {
    disconnect();
    client.close();
    vertx.close();
  }
}
