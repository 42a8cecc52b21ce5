package io.flotilla.domain.group;

import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.common.OrganizationScope;
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

  default Future<Page<DeviceGroup>> list(PageRequest page) {
    return list(OrganizationScope.WHOLE, page);
  }

  /** The groups {@code scope} reaches, in id order. */
  Future<Page<DeviceGroup>> list(OrganizationScope scope, PageRequest page);

  /** One keyset page of the groups a list request selects ({@code filter} fields: id, displayName, scopes). */
  default Future<Page<DeviceGroup>> select(ListQuery query, PageRequest page) {
    return select(query, OrganizationScope.WHOLE, page);
  }

  /** As {@link #select(ListQuery, PageRequest)}, only the groups {@code scope} reaches (the filter ANDs with it). */
  Future<Page<DeviceGroup>> select(ListQuery query, OrganizationScope scope, PageRequest page);

  Future<Boolean> delete(String id);
}
