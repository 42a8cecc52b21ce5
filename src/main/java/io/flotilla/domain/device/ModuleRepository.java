package io.flotilla.domain.device;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Storage of device modules: each module's twin, latest telemetry values and latest command runs (port). Deleting a
 * device deletes its modules.
 */
public interface ModuleRepository {
  /**
   * Makes the module known with an empty twin (idempotent). Answers false, storing nothing, when the device does not
   * exist or already has {@code maxPerDevice} other modules.
   */
  Future<Boolean> register(ModuleId id, int maxPerDevice, Instant at);

  /** The ids of the device's modules, in id order (empty for an unknown device). */
  Future<List<String>> list(String deviceId);

  Future<Optional<Twin>> twin(ModuleId id);

  /**
   * Applies {@code change} to the module's twin and writes the result in one transaction (the row locked, so
   * concurrent changes serialise); empty when the module does not exist. {@code change} must not wait for anything.
   */
  Future<Optional<Twin>> updateTwin(ModuleId id, UnaryOperator<Twin> change);

  /** The modules' latest telemetry values, each keyed by the module's {@link ModuleId#key()} as its device id. */
  TelemetryRepository telemetry();

  /** The modules' latest command runs, each keyed by the module's {@link ModuleId#key()} as its device id. */
  CommandRepository commands();
}
