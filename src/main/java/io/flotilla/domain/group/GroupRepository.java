package io.flotilla.domain.group;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.Optional;

/** Storage of device groups (port). */
public interface GroupRepository {
  /** Inserts or replaces. */
  Future<Void> save(DeviceGroup group);

  /** Replaces the group only if its etag is still {@code expectedEtag}; false when it is gone or changed meanwhile. */
  Future<Boolean> replace(DeviceGroup group, String expectedEtag);

  Future<Optional<DeviceGroup>> find(String id);

  Future<Page<DeviceGroup>> list(PageRequest page);

  Future<Boolean> delete(String id);
}
