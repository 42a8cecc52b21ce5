package io.flotilla.domain.job;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code delivery.waitForConnection} and {@code delivery.retry}, judged after each attempt at a device: a device not
 * online waits for its connection until the deadline (when the job says so); a failure the retry lists is tried again
 * after its backoff while attempts are left; anything else is final.
 */
public record DeliveryPolicy(JobOptions.Retry retry, Duration waitForConnection) {
  public static final DeliveryPolicy NONE = new DeliveryPolicy(null, null);

  public static DeliveryPolicy of(Job job) {
    JobOptions o = job.options();
    return o.retry() == null && o.waitForConnection() == null ? NONE
        : new DeliveryPolicy(o.retry(), o.waitForConnection());
  }

  /** What becomes of {@code device} after the attempt that ended with {@code result} at {@code now}. */
  public Outcome judge(Claimed device, DeviceResult result, Instant now) {
    if (result.status() == DeviceJobStatus.WAITING) {
      return Outcome.awaitDelivery(device, result, result.at()); // queued commands: until they expire
    }
    if (result.status() != DeviceJobStatus.FAILED) {
      return Outcome.last(device, result);
    }
    if (waitForConnection != null && "DeviceNotOnline".equals(result.errorCode())) {
      return Outcome.awaitConnection(device, result, now.plus(waitForConnection));
    }
    if (retry != null && retry.retries(result.errorCode(), device.attempt())) {
      return Outcome.retry(device, result, retry.next(device.attempt(), now));
    }
    return Outcome.last(device, result);
  }

  /** The message of a device that never connected in time. */
  public String expiredMessage() {
    return "The device did not connect within the job's waitForConnection (" + waitForConnection + ").";
  }
}
