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

  /** A source of body chunks (lines of text); an empty list ends the body. */
  @FunctionalInterface
  public interface Chunks {
    Future<List<String>> next();
  }
}
