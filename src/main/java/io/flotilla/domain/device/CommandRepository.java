package io.flotilla.domain.device;

import io.vertx.core.Future;
import java.util.Optional;

/** The latest invocation of each command of each device (port). */
public interface CommandRepository {
  /** Replaces the stored invocation of the same device, component and command; ignored if the device is gone. */
  Future<Void> saveLatest(CommandInvocation invocation);

  /** The latest invocation, if any; {@code component} null for root commands. */
  Future<Optional<CommandInvocation>> latest(String deviceId, String component, String name);
}
