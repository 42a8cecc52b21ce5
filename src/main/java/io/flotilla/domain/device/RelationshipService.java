package io.flotilla.domain.device;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.organization.ScopedResources;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Function;

/**
 * Device relationships (reference 5.7): read, created, changed and deleted through either of their devices. The
 * device named in the path must exist (the routes' organization guard has already hidden one outside the caller's
 * organizations); the other end must exist within the caller's organizations too.
 */
public final class RelationshipService {
  private final RelationshipRepository relationships;
  private final DeviceRepository devices;
  private final ScopedResources scoped;

  public RelationshipService(RelationshipRepository relationships, DeviceRepository devices, ScopedResources scoped) {
    this.relationships = relationships;
    this.devices = devices;
    this.scoped = scoped;
  }

  /** What a PUT or merged PATCH asks for: {@code source} absent means the device in the path. */
  public record Definition(String source, String target) {
  }

  /** Fails with {@code NotFound} (no such device). */
  public Future<Page<DeviceRelationship>> list(String deviceId, PageRequest page) {
    return device(deviceId).compose(v -> relationships.list(deviceId, page));
  }

  /** Fails with {@code NotFound} (no such device, or no such relationship of it). */
  public Future<DeviceRelationship> get(String deviceId, String id) {
    return device(deviceId).compose(v -> relationships.find(id)).map(r -> r.filter(x -> x.touches(deviceId))
        .orElseThrow(() -> notFound(deviceId, id)));
  }

  /**
   * Creates or replaces relationship {@code id} of {@code deviceId}. Fails with {@code NotFound} (no such device),
   * {@code Invalid} (a bad id, no target, a link to itself, a device in the path that is neither end, the other end
   * missing or outside {@code scope}) or {@code Conflict} (the id belongs to a relationship of other devices).
   */
  public Future<DeviceRelationship> put(String deviceId, String id, Definition d, OrganizationScope scope) {
    return write(deviceId, id, current -> d, scope, false);
  }

  /** Merges a change into relationship {@code id} of {@code deviceId}; fails as {@link #put} and with {@code NotFound}. */
  public Future<DeviceRelationship> patch(String deviceId, String id, Function<DeviceRelationship, Definition> merge,
                                          OrganizationScope scope) {
    return write(deviceId, id, current -> merge.apply(current.orElseThrow(() -> notFound(deviceId, id))), scope, true);
  }

  /** Fails with {@code NotFound} (no such device, or no such relationship of it). */
  public Future<Void> delete(String deviceId, String id) {
    return device(deviceId).compose(v -> relationships.delete(deviceId, id)).map(deleted -> {
      if (!deleted) {
        throw notFound(deviceId, id);
      }
      return null;
    });
  }

  private Future<DeviceRelationship> write(String deviceId, String id, Function<Optional<DeviceRelationship>,
      Definition> change, OrganizationScope scope, boolean existing) {
    Ids.relationshipId(id);
    return device(deviceId).compose(v -> relationships.find(id)).compose(stored -> {
      if (existing && stored.filter(r -> r.touches(deviceId)).isEmpty()) {
        throw notFound(deviceId, id);
      }
      DeviceRelationship wanted = validate(deviceId, id, change.apply(stored.filter(r -> r.touches(deviceId))));
      String other = wanted.source().equals(deviceId) ? wanted.target() : wanted.source();
      String field = wanted.source().equals(deviceId) ? "target" : "source";
      return scoped.outside(ScopedResources.Kind.DEVICE, other, scope).compose(outside -> {
        if (outside) {
          throw missing(field, other);
        }
        return relationships.write(id, current -> {
          if (current.isPresent() && !current.get().touches(deviceId)) {
            throw new FlotillaException.Conflict("Relationship \"" + id + "\" links other devices ("
                + current.get().source() + " to " + current.get().target() + ").");
          }
          return wanted;
        });
      });
    });
  }

  private static DeviceRelationship validate(String deviceId, String id, Definition d) {
    String source = d.source() == null ? deviceId : d.source();
    if (d.target() == null) {
      throw new FlotillaException.Invalid("\"target\" is required: the id of the child device.");
    }
    Ids.deviceId(source);
    Ids.deviceId(d.target());
    if (source.equals(d.target())) {
      throw new FlotillaException.Invalid("\"target\" must be another device than \"source\" (" + source + ").");
    }
    if (!source.equals(deviceId) && !d.target().equals(deviceId)) {
      throw new FlotillaException.Invalid("\"source\" or \"target\" must be the device \"" + deviceId
          + "\" whose relationship this is.");
    }
    return new DeviceRelationship(id, source, d.target());
  }

  /** The device in the path: {@code NotFound} when it does not exist. */
  private Future<Void> device(String deviceId) {
    return devices.find(deviceId).map(d -> {
      if (d.isEmpty()) {
        throw new FlotillaException.NotFound("Device \"" + deviceId + "\" not found.");
      }
      return null;
    });
  }

  /** The other end is missing (or outside the caller's organizations, which reads the same). */
  public static FlotillaException.Invalid missing(String field, String deviceId) {
    return new FlotillaException.Invalid("\"" + field + "\": device \"" + deviceId + "\" does not exist.");
  }

  private static FlotillaException.NotFound notFound(String deviceId, String id) {
    return new FlotillaException.NotFound("Device \"" + deviceId + "\" has no relationship \"" + id + "\".");
  }
}
