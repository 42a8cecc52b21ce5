package io.flotilla.domain.job;

import java.time.Instant;

/**
 * One device's entry in a job: its position, status, and for failures an error code and message; the command's
 * response code.
 */
public record DeviceResult(long seq, String deviceId, DeviceJobStatus status, String errorCode, String errorMessage,
                           Integer responseCode, Instant at) {
  public static DeviceResult completed(long seq, String deviceId, Integer responseCode, Instant at) {
    return new DeviceResult(seq, deviceId, DeviceJobStatus.COMPLETED, null, null, responseCode, at);
  }

  /** Its queued commands wait for their delivery until {@code expiry} (the device is {@code WAITING} meanwhile). */
  public static DeviceResult awaitingDelivery(long seq, String deviceId, Instant expiry) {
    return new DeviceResult(seq, deviceId, DeviceJobStatus.WAITING, null, null, null, expiry);
  }

  public static DeviceResult failed(long seq, String deviceId, String code, String message, Integer responseCode,
                                    Instant at) {
    return new DeviceResult(seq, deviceId, DeviceJobStatus.FAILED, code, message, responseCode, at);
  }
}
