package io.flotilla.testing;

import java.util.concurrent.atomic.AtomicInteger;

/** Device request bodies for API tests. */
public final class Devices {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private Devices() {
  }

  /** A fresh device id with the given prefix. */
  public static String newId(String prefix) {
    return prefix + "-" + SEQ.incrementAndGet();
  }

  /** {@code {"displayName": ..., "template": ..., "enabled": true, "simulated": false}}. */
  public static String aTruck(String displayName, String templateId) {
    return """
        {"displayName": "%s", "template": "%s", "enabled": true, "simulated": false}
        """.formatted(displayName, templateId);
  }

  /** Creates a device; fails the test unless the answer is 200. */
  public static String create(ApiClient api, String id, String body) {
    ApiClient.Response r = api.put("/api/devices/" + id, body);
    if (r.status() != 200) {
      throw new AssertionError("Creating device " + id + " failed: " + r);
    }
    return id;
  }

  /** Creates a truck device of {@code templateId} with a fresh id starting with {@code prefix}. */
  public static String createTruck(ApiClient api, String prefix, String templateId) {
    String id = newId(prefix);
    return create(api, id, aTruck("Truck " + id, templateId));
  }
}
