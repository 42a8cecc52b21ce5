package io.flotilla.domain.device;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Function;

/** Storage of device relationships (port). A device's deletion removes the relationships it is an end of. */
public interface RelationshipRepository {
  Future<Optional<DeviceRelationship>> find(String id);

  /** The relationships {@code deviceId} is the source or the target of, in id order, one keyset page. */
  Future<Page<DeviceRelationship>> list(String deviceId, PageRequest page);

  /**
   * Creates or replaces relationship {@code id} in one transaction: {@code change} gets the stored one (locked) and
   * answers what to write. Fails with {@code Invalid} naming {@code source} or {@code target} when that device does
   * not exist (checked in the same transaction).
   */
  Future<DeviceRelationship> write(String id, Function<Optional<DeviceRelationship>, DeviceRelationship> change);

  /** Deletes relationship {@code id} if {@code deviceId} is one of its ends; answers whether it did. */
  Future<Boolean> delete(String deviceId, String id);
}
