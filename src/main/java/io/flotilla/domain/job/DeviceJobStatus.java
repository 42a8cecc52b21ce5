package io.flotilla.domain.job;

import java.util.Locale;

/**
 * One device's state within a job (docs/jobs.md): {@code PENDING} not started, {@code DISPATCHED} sent under a lease
 * and not answered yet, {@code WAITING} for its next attempt or for a connection, {@code COMPLETED}, {@code FAILED}.
 * Clients see IoT Central's three: dispatched and waiting devices are {@code pending}.
 */
public enum DeviceJobStatus {
  PENDING(0), DISPATCHED(1), COMPLETED(2), FAILED(3), WAITING(4);

  private final int code;

  DeviceJobStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The wire spelling: a dispatched or waiting device is still {@code pending} to clients. */
  public String wire() {
    return this == DISPATCHED || this == WAITING ? "pending" : name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED;
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
