package io.flotilla.domain.device;

import io.flotilla.domain.common.ConcurrentChanges;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.common.SerialGate;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.template.ComponentCapability;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Supplier;

/** Registers, changes, blocks and removes devices; their attestation and credentials. */
public final class DeviceService {
  public static final int MAX_DISPLAY_NAME = 148;
  /** The most characters an attestation document (x509 or tpm, stored as sent) may have. */
  public static final int MAX_ATTESTATION = 20_000;

  private final DeviceRepository devices;
  private final TemplateService templates;
  private final DeviceChannel channel;
  private final String idScope;
  private final DeviceListener listener;
  private final int maxSimulated;
  private final SerialGate simulationStarts = new SerialGate();

  public DeviceService(DeviceRepository devices, TemplateService templates, DeviceChannel channel, String idScope) {
    this(devices, templates, channel, idScope, DeviceListener.NONE, Integer.MAX_VALUE);
  }

  /**
   * @param listener told about every successful create, change and delete
   * @param maxSimulated the most devices that may be {@code simulated} at once (counted in the repository)
   */
  public DeviceService(DeviceRepository devices, TemplateService templates, DeviceChannel channel, String idScope,
                       DeviceListener listener, int maxSimulated) {
    this.devices = devices;
    this.templates = templates;
    this.channel = channel;
    this.idScope = idScope;
    this.listener = listener;
    this.maxSimulated = maxSimulated;
  }

  /** What a client may set on a device; null fields are absent. */
  public record Definition(String displayName, String template, Boolean enabled, Boolean simulated,
                           List<String> organizations, String etag) {
  }

  /** The ID scope and keys a device needs to provision. */
  public record Credentials(String idScope, Attestation attestation) {
  }

  /**
   * Creates or replaces a device. Fails with {@code Invalid} for a bad id, display name or unknown template, or when
   * it would make one simulated device more than the limit; {@code PreconditionFailed} for a stale etag.
   */
  public Future<Device> put(String id, Definition d) {
    Ids.deviceId(id);
    return checkTemplate(d.template()).compose(v -> putAttempt(id, d, ConcurrentChanges.ATTEMPTS));
  }

  private Future<Device> putAttempt(String id, Definition d, int attemptsLeft) {
    return devices.find(id).compose(existing -> {
      if (existing.isEmpty()) {
        Device created = build(id, d, false);
        return guarded(null, created, () -> devices.insert(created, Attestation.generated()).map(true))
            .map(x -> afterChange(null, created));
      }
      Etags.check(d.etag(), existing.get().etag());
      Device replaced = build(id, d, existing.get().provisioned());
      return guarded(existing.get(), replaced, () -> devices.update(replaced, existing.get().etag()))
          .compose(written -> written ? Future.succeededFuture(afterChange(existing.get(), replaced))
              : again(id, attemptsLeft, () -> putAttempt(id, d, attemptsLeft - 1)));
    });
  }

  /**
   * Merges the present fields into the device; {@code enabled: false} blocks it and closes its session. The merge is
   * written only over the version it was made from (a concurrent change makes it read and merge again), and never
   * touches {@code provisioned}, which only the device's connection sets.
   */
  public Future<Device> patch(String id, Definition change) {
    return patchAttempt(id, change, ConcurrentChanges.ATTEMPTS);
  }

  private Future<Device> patchAttempt(String id, Definition change, int attemptsLeft) {
    return get(id).compose(current -> checkTemplate(change.template()).compose(v -> {
      Etags.check(change.etag(), current.etag());
      Definition merged = new Definition(
          change.displayName() != null ? change.displayName() : current.displayName(),
          change.template() != null ? change.template() : current.templateId(),
          change.enabled() != null ? change.enabled() : current.enabled(),
          change.simulated() != null ? change.simulated() : current.simulated(),
          change.organizations() != null ? change.organizations() : current.organizations(), null);
      Device updated = build(id, merged, current.provisioned());
      return guarded(current, updated, () -> devices.update(updated, current.etag()))
          .compose(written -> written ? Future.succeededFuture(afterChange(current, updated))
              : again(id, attemptsLeft, () -> patchAttempt(id, change, attemptsLeft - 1)));
    }));
  }

  private static Future<Device> again(String id, int attemptsLeft, Supplier<Future<Device>> attempt) {
    return ConcurrentChanges.again("Device \"" + id + "\"", attemptsLeft, attempt);
  }

  public Future<Device> get(String id) {
    return devices.find(id).map(d -> d.orElseThrow(() -> notFound(id)));
  }

  public Future<Page<Device>> list(DeviceFilter filter, PageRequest page) {
    return devices.list(filter, page);
  }

  /** Removes the device and closes its session; fails with {@code NotFound}. */
  public Future<Void> delete(String id) {
    return devices.delete(id).map(found -> {
      if (!found) {
        throw notFound(id);
      }
      channel.disconnect(id);
      listener.deleted(id);
      return null;
    });
  }

  public Future<Attestation> attestation(String id) {
    return devices.attestation(id).map(a -> a.orElseThrow(() -> notFound(id)));
  }

  /** Replaces the attestation; symmetric keys not given are generated. Live sessions must reconnect. */
  public Future<Attestation> putAttestation(String id, Attestation a) {
    if (a.document() != null) {
      Limits.document("The attestation", a.document(), MAX_ATTESTATION);
    }
    Attestation complete = a.isSymmetricKey()
        ? Attestation.symmetricKey(a.primaryKey() != null ? a.primaryKey() : SymmetricKeys.generate(),
            a.secondaryKey() != null ? a.secondaryKey() : SymmetricKeys.generate())
        : a;
    return devices.saveAttestation(id, complete).map(found -> {
      if (!found) {
        throw notFound(id);
      }
      channel.disconnect(id);
      return complete;
    });
  }

  /** Removes the attestation: the device cannot authenticate until a new one is set. */
  public Future<Void> deleteAttestation(String id) {
    return devices.saveAttestation(id, new Attestation("none", null, null, null)).map(found -> {
      if (!found) {
        throw notFound(id);
      }
      channel.disconnect(id);
      return null;
    });
  }

  public Future<Credentials> credentials(String id) {
    return attestation(id).map(a -> new Credentials(idScope, a));
  }

  /** The components of the device's template (none for an unassigned device). */
  public Future<List<ComponentCapability>> components(String id) {
    return get(id).compose(d -> d.templateId() == null
        ? Future.succeededFuture(List.<ComponentCapability>of())
        : templates.find(d.templateId()).map(t -> t.map(x -> x.model().components()).orElse(List.of())));
  }

  private Device afterChange(Device before, Device after) {
    if (before != null && before.enabled() && !after.enabled()) {
      channel.disconnect(after.id());
    }
    listener.changed(before, after);
    return after;
  }

  /**
   * Runs {@code write}; when it makes a device start simulating, the count against the limit and the write run
   * through one gate, so two concurrent requests cannot both take the last place.
   */
  private Future<Boolean> guarded(Device before, Device after, Supplier<Future<Boolean>> write) {
    if (!after.simulated() || (before != null && before.simulated())) {
      return write.get();
    }
    return simulationStarts.run(() -> devices.countSimulated().compose(count -> {
      if (count >= maxSimulated) {
        return Future.failedFuture(new FlotillaException.Invalid("Cannot simulate device \"" + after.id()
            + "\": this application already has " + count + " simulated devices, the most allowed (--sim-max-devices "
            + maxSimulated + ")."));
      }
      return write.get();
    }));
  }

  private Future<Void> checkTemplate(String templateId) {
    if (templateId == null) {
      return Future.succeededFuture();
    }
    Ids.templateId(templateId);
    return templates.find(templateId).map(t -> {
      if (t.isEmpty()) {
        throw new FlotillaException.Invalid("Device template \"" + templateId + "\" does not exist.");
      }
      return null;
    });
  }

  private static Device build(String id, Definition d, boolean provisioned) {
    String name = d.displayName() == null || d.displayName().isEmpty() ? id : d.displayName();
    Limits.text("displayName", name, MAX_DISPLAY_NAME);
    Limits.organizations("organizations", d.organizations());
    return new Device(id, name, d.template(), d.enabled() == null || d.enabled(),
        d.simulated() != null && d.simulated(), provisioned, Etags.fresh(),
        d.organizations() == null ? List.of() : List.copyOf(d.organizations()));
  }

  static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("Device \"" + id + "\" not found.");
  }
}
