package io.flotilla.testing;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** API tokens for tests, created through the API with the administrator token. */
public final class Tokens {
  public static final String ADMINISTRATOR = "ca310b8d-2f4a-44e0-a36e-957c202cd8d4";
  public static final String BUILDER = "344138e9-8de4-4497-8c54-5237e96d6aaf";
  public static final String OPERATOR = "ae2c9854-393b-4f97-8c42-479d70ce626e";
  private static final AtomicInteger SEQ = new AtomicInteger();

  private Tokens() {
  }

  public static String newId(String prefix) {
    return prefix + "-" + SEQ.incrementAndGet();
  }

  /** {@code {"roles":[{"role": roleId}]}} with an optional expiry. */
  public static String body(String roleId, Instant expiry) {
    return "{\"roles\":[{\"role\":\"" + roleId + "\"}]" + (expiry == null ? "" : ",\"expiry\":\"" + expiry + "\"") + "}";
  }

  /** Creates a token with one role; answers its {@code Authorization} header value. */
  public static String create(ApiClient admin, String roleId) {
    return create(admin, newId("tok"), roleId, null);
  }

  public static String create(ApiClient admin, String id, String roleId, Instant expiry) {
    ApiClient.Response r = admin.put("/api/apiTokens/" + id, body(roleId, expiry));
    if (r.status() != 200) {
      throw new AssertionError("Creating token " + id + " failed: " + r);
    }
    return r.json().path("token").asText();
  }
}
