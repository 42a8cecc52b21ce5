package io.flotilla.domain.provisioning;

import java.time.Instant;

/**
 * The outcome of a DPS registration. {@code status} is {@code assigned}, {@code disabled} or {@code failed}
 * ({@code errorMessage} then says why).
 */
public record Registration(String registrationId, String deviceId, String status, String substatus, Instant created,
                           Instant updated, String errorMessage) {
  public boolean assigned() {
    return "assigned".equals(status);
  }
}
