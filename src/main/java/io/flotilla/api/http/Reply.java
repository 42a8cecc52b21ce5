package io.flotilla.api.http;

/** What a route answers: a status and an optional JSON body (a Jackson node or a record). */
public record Reply(int status, Object body) {
  public static Reply ok(Object body) {
    return new Reply(200, body);
  }

  public static Reply of(int status, Object body) {
    return new Reply(status, body);
  }

  public static Reply noContent() {
    return new Reply(204, null);
  }
}
