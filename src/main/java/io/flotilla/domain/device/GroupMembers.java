package io.flotilla.domain.device;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.common.OrganizationScope;
import io.vertx.core.Future;

/** The devices of a group: those that match its filter now (the group itself knows nothing of devices). */
public final class GroupMembers {
  private final GroupService groups;
  private final DeviceRepository devices;

  public GroupMembers(GroupService groups, DeviceRepository devices) {
    this.groups = groups;
    this.devices = devices;
  }

  /** One keyset page of the group's members, in id order; fails with {@code NotFound} when there is no such group. */
  public Future<Page<Device>> list(String groupId, PageRequest page) {
    return list(groupId, OrganizationScope.WHOLE, page);
  }

  /** As {@link #list(String, PageRequest)}, only the members {@code scope} reaches. */
  public Future<Page<Device>> list(String groupId, OrganizationScope scope, PageRequest page) {
    return groups.get(groupId).compose(g -> devices.list(g.filter(), scope, page));
  }
}
