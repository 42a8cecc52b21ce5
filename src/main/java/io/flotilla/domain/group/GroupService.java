package io.flotilla.domain.group;

import io.flotilla.domain.common.ConcurrentChanges;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceRepository;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.group.filter.FilterParser;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** Device groups: create, change, remove, and list their current members. */
public final class GroupService {
  public static final String DEFAULT_DESCRIPTION =
      "Default device group containing all the devices for this device template.";


  private final GroupRepository groups;
  private final DeviceRepository devices;

  public GroupService(GroupRepository groups, DeviceRepository devices) {
    this.groups = groups;
    this.devices = devices;
  }

  /** What a client may set on a group; null fields are absent. */
  public record Definition(String displayName, String description, String filter, List<String> organizations,
                           String etag) {
  }

  /** Creates or replaces; fails with {@code Invalid} (bad id, missing name, filter error with its position). */
  public Future<DeviceGroup> put(String id, Definition d) {
    Ids.groupOrJobId("device group id", id);
    DeviceGroup group = build(id, d);
    return putAttempt(group, d.etag(), ConcurrentChanges.ATTEMPTS);
  }

  /** A replace is written only over the version its etag was checked against (else it is checked again). */
  private Future<DeviceGroup> putAttempt(DeviceGroup group, String sentEtag, int attemptsLeft) {
    return groups.find(group.id()).compose(existing -> {
      if (existing.isEmpty()) {
        return groups.save(group).map(v -> group);
      }
      Etags.check(sentEtag, existing.get().etag());
      return groups.replace(group, existing.get().etag()).compose(written -> written ? Future.succeededFuture(group)
          : again(group.id(), attemptsLeft, () -> putAttempt(group, sentEtag, attemptsLeft - 1)));
    });
  }

  /**
   * Merges the present fields of {@code change} into the stored group, written only over the version it was made from
   * (a concurrent change makes it read and merge again; a group deleted meanwhile stays deleted: 404).
   */
  public Future<DeviceGroup> patch(String id, Definition change) {
    return patchAttempt(id, change, ConcurrentChanges.ATTEMPTS);
  }

  private Future<DeviceGroup> patchAttempt(String id, Definition change, int attemptsLeft) {
    return get(id).compose(g -> {
      Etags.check(change.etag(), g.etag());
      Definition merged = new Definition(
          change.displayName() != null ? change.displayName() : g.displayName(),
          change.description() != null ? change.description() : g.description(),
          change.filter() != null ? change.filter() : g.filter().text(),
          change.organizations() != null ? change.organizations() : g.organizations(), null);
      DeviceGroup updated = build(id, merged);
      return groups.replace(updated, g.etag()).compose(written -> written ? Future.succeededFuture(updated)
          : again(id, attemptsLeft, () -> patchAttempt(id, change, attemptsLeft - 1)));
    });
  }

  private static Future<DeviceGroup> again(String id, int attemptsLeft, Supplier<Future<DeviceGroup>> attempt) {
    return ConcurrentChanges.again("Device group \"" + id + "\"", attemptsLeft, attempt);
  }

  public Future<DeviceGroup> get(String id) {
    return groups.find(id).map(g -> g.orElseThrow(() -> notFound(id)));
  }

  public Future<Page<DeviceGroup>> list(PageRequest page) {
    return groups.list(page);
  }

  public Future<Void> delete(String id) {
    return groups.delete(id).map(found -> {
      if (!found) {
        throw notFound(id);
      }
      return null;
    });
  }

  /** The devices that match the group's filter now, one keyset page. */
  public Future<Page<Device>> members(String id, PageRequest page) {
    return get(id).compose(g -> devices.list(g.filter(), page));
  }

  /** The "&lt;template name&gt; - All devices" group made when a template is published. */
  public Future<DeviceGroup> createDefaultGroup(String templateId, String templateDisplayName) {
    String filter = "SELECT * FROM devices WHERE $template = \"" + templateId.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    DeviceGroup g = build(UUID.randomUUID().toString(),
        new Definition(Limits.fit(templateDisplayName, " - All devices", Limits.DISPLAY_NAME), DEFAULT_DESCRIPTION,
            filter, null, null));
    return groups.save(g).map(v -> g);
  }

  private static DeviceGroup build(String id, Definition d) {
    if (d.displayName() == null || d.displayName().isBlank()) {
      throw new FlotillaException.Invalid("\"displayName\" is required and must be a non-empty string.");
    }
    if (d.filter() == null || d.filter().isBlank()) {
      throw new FlotillaException.Invalid("\"filter\" is required, e.g. SELECT * FROM devices WHERE $template = \"dtmi:...\".");
    }
    Limits.text("displayName", d.displayName(), Limits.DISPLAY_NAME);
    Limits.text("description", d.description(), Limits.DESCRIPTION);
    Limits.text("filter", d.filter(), Limits.FILTER);
    Limits.organizations("organizations", d.organizations());
    DeviceFilter filter = FilterParser.parse(d.filter());
    return new DeviceGroup(id, d.displayName(), d.description(), filter, Etags.fresh(),
        d.organizations() == null ? List.of() : List.copyOf(d.organizations()));
  }

  private static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("Device group \"" + id + "\" not found.");
  }
}
