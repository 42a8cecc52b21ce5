package io.flotilla.api.http;

import io.vertx.core.Future;
import java.util.List;

/** What a route answers: a status and an optional JSON body (a Jackson node or a record), or a streamed text body. */
public record Reply(int status, Object body, Chunks chunks, String contentType) {
  public static Reply ok(Object body) {
    return new Reply(200, body, null, null);
  }

  public static Reply of(int status, Object body) {
    return new Reply(status, body, null, null);
  }

  public static Reply noContent() {
    return new Reply(204, null, null, null);
  }

  /** A 200 whose body is written chunk by chunk, with back-pressure, until {@code chunks} answers an empty list. */
  public static Reply stream(String contentType, Chunks chunks) {
    return new Reply(200, null, chunks, contentType);
  }

  /**
   * A 200 {@code text/event-stream} (Server-Sent Events) body: {@code events} is pulled like {@link #stream}'s chunks,
   * uncompressed, each answer written and flushed at once; it is closed when the connection closes.
   */
  public static Reply eventStream(Chunks events) {
    return new Reply(200, null, events, EVENT_STREAM);
  }

  static final String EVENT_STREAM = "text/event-stream; charset=utf-8";

  /**
   * A source of body chunks (lines of text); an empty list ends the body. {@link #next} is called again only once the
   * previous answer was written and the connection can take more (back-pressure).
   */
  @FunctionalInterface
  public interface Chunks {
    Future<List<String>> next();

    /** The body ended or the connection closed: release what the source holds (called once, on the event loop). */
    default void close() {
    }
  }
}
