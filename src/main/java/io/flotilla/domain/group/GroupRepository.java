package io.flotilla.domain.group;

import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Storage of device groups (port). */
public interface GroupRepository {
  /** Inserts or replaces. */
  Future<Void> save(DeviceGroup group);

  /** Inserts a new group; fails with {@code Conflict} when the id exists. */
  Future<Void> insert(DeviceGroup group);

  /**
   * Changes a group in one transaction: locks its row, applies {@code change} to the stored group and writes the
   * result, so concurrent changes of one group are serialised. Empty when the group does not exist (nothing is
   * written). {@code change} runs inside the transaction and must not wait for anything; an exception it throws
   * aborts the change.
   */
  Future<Optional<DeviceGroup>> update(String id, UnaryOperator<DeviceGroup> change);

  Future<Optional<DeviceGroup>> find(String id);

  Future<Page<DeviceGroup>> list(PageRequest page);

  /** One keyset page of the groups a list request selects ({@code filter} fields: id, displayName, scopes). */
  Future<Page<DeviceGroup>> select(ListQuery query, PageRequest page);

  Future<Boolean> delete(String id);
}
