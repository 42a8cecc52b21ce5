package io.flotilla.domain.organization;

import io.flotilla.domain.common.OrganizationScope;
import io.vertx.core.Future;

/** Whether a stored resource lies outside a caller's organizations (port). */
public interface ScopedResources {
  /** The kinds of resource that belong to organizations. */
  enum Kind { DEVICE, DEVICE_GROUP, JOB, SCHEDULED_JOB, ORGANIZATION }

  /** True when the resource exists but {@code scope} does not reach it; false when it is reachable or absent. */
  Future<Boolean> outside(Kind kind, String id, OrganizationScope scope);
}
