package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.JsonNode;

/** Where a writable property's latest desired version stands, from the device's acknowledgement. */
public enum AckState {
  PENDING("pending"), ACCEPTED("accepted"), REJECTED("rejected");

  private final String wire;

  AckState(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /**
   * Pending until the device reports {@code {"value","ac","av"}} with {@code av} at least the desired version;
   * then accepted for a final 2xx ({@code ac} 201/202/203 mean "in progress" and stay pending), rejected for
   * 4xx/5xx.
   */
  public static AckState of(JsonNode reportedValue, long desiredVersion) {
    if (reportedValue == null || !reportedValue.isObject() || !reportedValue.has("ac") || !reportedValue.has("av")) {
      return PENDING;
    }
    long av = reportedValue.get("av").asLong(-1);
    int ac = reportedValue.get("ac").asInt(0);
    if (av < desiredVersion) {
      return PENDING;
    }
    if (ac >= 400) {
      return REJECTED;
    }
    if (ac >= 200 && ac < 300 && ac != 201 && ac != 202 && ac != 203) {
      return ACCEPTED;
    }
    return PENDING;
  }
}
