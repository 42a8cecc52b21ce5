package io.flotilla.protocol;

/**
 * Device-side reading of IoT Hub topics: the value of a parameter in a topic's {@code ?a=b&c=d} tail (the first one
 * of that name), as sent. Shared by the in-process simulated devices and the load generator's device clients, which
 * may not depend on the server's packages.
 */
public final class TopicParameters {
  private TopicParameters() {
  }

  /** The value of query parameter {@code name}, or {@code null} when the topic has no such parameter. */
  public static String get(String topic, String name) {
    int q = topic.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : topic.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return pair.substring(eq + 1);
      }
    }
    return null;
  }
}
