package io.flotilla.domain.job;

import java.time.Instant;

/**
 * What an engine records for a device it held under lease {@code leaseId} after attempt {@code attempt}: the attempt's
 * result, final unless {@code retryAt} is set (then the device waits and is sent again at that time).
 */
public record Outcome(long leaseId, int attempt, DeviceResult result, Instant retryAt) {
  public static Outcome last(Claimed c, DeviceResult result) {
    return new Outcome(c.leaseId(), c.attempt(), result, null);
  }

  public boolean isFinal() {
    return retryAt == null;
  }
}
