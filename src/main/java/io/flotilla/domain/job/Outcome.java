package io.flotilla.domain.job;

import java.time.Instant;

/**
 * What an engine records for a device it held under lease {@code leaseId} after attempt {@code attempt}: the attempt's
 * result, final unless the device waits — until {@code retryAt} (a retry: the attempt is kept in its history), or,
 * without {@code retryAt}, for a connection until {@code deadline} (no attempt is counted: the device was not reached;
 * an earlier deadline of the device is kept); with {@code awaitsDelivery}, for its queued commands' delivery (their
 * PUBACK) until {@code deadline} (their expiry).
 */
public record Outcome(long leaseId, int attempt, DeviceResult result, Instant retryAt, Instant deadline,
                      boolean awaitsDelivery) {
  public Outcome(long leaseId, int attempt, DeviceResult result, Instant retryAt, Instant deadline) {
    this(leaseId, attempt, result, retryAt, deadline, false);
  }

  public static Outcome last(Claimed c, DeviceResult result) {
    return new Outcome(c.leaseId(), c.attempt(), result, null, null);
  }

  public static Outcome retry(Claimed c, DeviceResult result, Instant at) {
    return new Outcome(c.leaseId(), c.attempt(), result, at, null);
  }

  public static Outcome awaitConnection(Claimed c, DeviceResult result, Instant deadline) {
    return new Outcome(c.leaseId(), c.attempt(), result, null, deadline);
  }

  /** Durable commands were queued for the device: it waits for their delivery until they expire. */
  public static Outcome awaitDelivery(Claimed c, DeviceResult result, Instant expiry) {
    return new Outcome(c.leaseId(), c.attempt(), result, null, expiry, true);
  }

  public boolean isFinal() {
    return retryAt == null && deadline == null;
  }

  /** Waits for a connection rather than for a time. */
  public boolean awaitsConnection() {
    return retryAt == null && deadline != null && !awaitsDelivery;
  }
}
