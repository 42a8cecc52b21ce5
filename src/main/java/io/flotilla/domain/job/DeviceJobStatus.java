package io.flotilla.domain.job;

import java.util.Locale;

/** One device's state within a job. {@code DISPATCHED} is internal: a command was sent, no answer recorded yet. */
public enum DeviceJobStatus {
  PENDING(0), DISPATCHED(1), COMPLETED(2), FAILED(3);

  private final int code;

  DeviceJobStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The wire spelling: a dispatched device is still {@code pending} to clients. */
  public String wire() {
    return this == DISPATCHED ? "pending" : name().toLowerCase(Locale.ROOT);
  }

  public static DeviceJobStatus of(int code) {
    for (DeviceJobStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("status " + code);
  }
}
