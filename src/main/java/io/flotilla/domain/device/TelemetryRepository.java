package io.flotilla.domain.device;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** The latest value per device, component and telemetry name (port). */
public interface TelemetryRepository {
  /** Upserts the values in one batch; values of devices that no longer exist are dropped. */
  Future<Void> saveLatest(List<TelemetryValue> values);

  Future<Optional<TelemetryValue>> latest(String deviceId, String component, String name);
}
