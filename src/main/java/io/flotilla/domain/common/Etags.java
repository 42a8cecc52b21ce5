package io.flotilla.domain.common;

import java.util.UUID;

/** Fresh opaque etags, and the optimistic-concurrency check. */
public final class Etags {
  private Etags() {
  }

  public static String fresh() {
    return "\"" + UUID.randomUUID() + "\"";
  }

  /** Fails with 412 when the client sent an etag that differs from the stored one; no etag always passes. */
  public static void check(String sent, String stored) {
    if (sent != null && !sent.isEmpty() && !"*".equals(sent) && !sent.equals(stored)) {
      throw new FlotillaException.PreconditionFailed(
          "The etag " + sent + " does not match the current etag of the resource.");
    }
  }
}
