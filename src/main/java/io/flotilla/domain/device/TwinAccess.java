package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;

/** The twin as its owner (a device, or a module by its session key) reads and reports it over MQTT. */
public interface TwinAccess {
  /** {@code {"desired":{...,"$version":n},"reported":{...,"$version":m}}}; fails with {@code NotFound} if unknown. */
  Future<ObjectNode> deviceView(String id);

  /** Merges a reported patch and answers the new reported {@code $version}; fails with {@code NotFound} if unknown. */
  Future<Long> patchReported(String id, ObjectNode patch);
}
