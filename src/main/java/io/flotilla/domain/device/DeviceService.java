package io.flotilla.domain.device;

import io.flotilla.domain.common.Change;
import io.flotilla.domain.common.CreateOrReplace;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.ListField;
import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.common.SerialGate;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.organization.OrganizationReferences;
import io.flotilla.domain.template.ComponentCapability;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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
  private final OrganizationReferences organizations;

  public DeviceService(DeviceRepository devices, TemplateService templates, DeviceChannel channel, String idScope) {
    this(devices, templates, channel, idScope, DeviceListener.NONE, Integer.MAX_VALUE);
  }

  /**
   * @param listener told about every successful create, change and delete
   * @param maxSimulated the most devices that may be {@code simulated} at once (counted in the repository)
   */
  public DeviceService(DeviceRepository devices, TemplateService templates, DeviceChannel channel, String idScope,
                       DeviceListener listener, int maxSimulated) {
    this(devices, templates, channel, idScope, listener, maxSimulated, OrganizationReferences.FORM_ONLY);
  }

  /** @param organizations checks the organizations a device is given */
  public DeviceService(DeviceRepository devices, TemplateService templates, DeviceChannel channel, String idScope,
                       DeviceListener listener, int maxSimulated, OrganizationReferences organizations) {
    this.organizations = organizations;
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
   * it would make one simulated device more than the limit; {@code PreconditionFailed} for a stale etag. A replace
   * is one atomic update of the stored device (its keys, twin and {@code provisioned} are kept).
   */
  public Future<Device> put(String id, Definition d) {
    return put(id, d, OrganizationScope.WHOLE);
  }

  /**
   * As {@link #put(String, Definition)} by a caller that reaches {@code scope}: the device's organizations must be
   * ones it reaches ({@code Invalid} otherwise); none given puts the device in the caller's organization.
   */
  public Future<Device> put(String id, Definition d, OrganizationScope scope) {
    Ids.deviceId(id);
    Definition placed = new Definition(d.displayName(), d.template(), d.enabled(), d.simulated(),
        scope.assign(d.organizations()), d.etag());
    build(id, placed, false); // every check of the definition before anything is read
    return organizations.check(placed.organizations(), scope).compose(v -> write(id, placed));
  }

  private Future<Device> write(String id, Definition d) {
    return checkTemplate(d.template()).compose(v -> gated(d.simulated(), () -> CreateOrReplace.run(
        () -> devices.update(id, (current, simulated) -> {
          Etags.check(d.etag(), current.etag());
          return withinSimulationLimit(current, build(id, d, current.provisioned()), simulated);
        }).map(changed -> changed.map(c -> afterChange(c.before(), c.after()))),
        () -> {
          Device created = build(id, d, false);
          Future<Long> simulated = created.simulated() ? devices.countSimulated() : Future.succeededFuture(0L);
          return simulated.compose(count -> {
            withinSimulationLimit(null, created, () -> count);
            return devices.insert(created, Attestation.generated());
          }).map(x -> afterChange(null, created));
        })));
  }

  /**
   * Merges the present fields of {@code change} into the device (see {@link #patch(String, Definition, Function)}).
   */
  public Future<Device> patch(String id, Definition change) {
    return patch(id, change, current -> new Definition(
        change.displayName() != null ? change.displayName() : current.displayName(),
        change.template() != null ? change.template() : current.templateId(),
        change.enabled() != null ? change.enabled() : current.enabled(),
        change.simulated() != null ? change.simulated() : current.simulated(),
        change.organizations() != null ? change.organizations() : current.organizations(), null));
  }

  /**
   * Changes a device in one atomic step: its stored row is locked, {@code merge} turns it into the new definition
   * (the HTTP edge applies the JSON merge patch), which is checked and written over it. Concurrent changes of one
   * device are serialised (none is lost, none fails for the others); a device deleted before answers
   * {@code NotFound} and stays deleted. {@code change} holds what the patch itself sets: its {@code etag} must match
   * the stored one ({@code PreconditionFailed}), its {@code template} must exist and {@code simulated: true} counts
   * against the limit ({@code Invalid}). {@code enabled: false} blocks the device and closes its session;
   * {@code provisioned} is never written (only the device's connection sets it).
   */
  public Future<Device> patch(String id, Definition change, Function<Device, Definition> merge) {
    return patch(id, change, merge, OrganizationScope.WHOLE);
  }

  /** As {@link #patch(String, Definition, Function)} by a caller that reaches {@code scope}. */
  public Future<Device> patch(String id, Definition change, Function<Device, Definition> merge,
                              OrganizationScope scope) {
    return organizations.check(change.organizations(), scope).compose(x -> checkTemplate(change.template()).compose(v -> gated(change.simulated(), () -> devices.update(id,
        (current, simulated) -> {
          Etags.check(change.etag(), current.etag());
          Definition merged = merge.apply(current);
          scope.keepWithin(merged.organizations());
          return withinSimulationLimit(current, build(id, merged, current.provisioned()), simulated);
        })))).map(changed -> {
          Change<Device> c = changed.orElseThrow(() -> notFound(id));
          return afterChange(c.before(), c.after());
        });
  }

  public Future<Device> get(String id) {
    return devices.find(id).map(d -> d.orElseThrow(() -> notFound(id)));
  }

  public Future<Page<Device>> list(DeviceFilter filter, PageRequest page) {
    return list(filter, OrganizationScope.WHOLE, page);
  }

  /** The devices {@code scope} reaches that match {@code filter} (null: all). */
  public Future<Page<Device>> list(DeviceFilter filter, OrganizationScope scope, PageRequest page) {
    return devices.list(filter, scope, page);
  }

  /** The fields a device list's {@code filter} may test (2022-10-31-preview; {@code scopes}: organization id). */
  public static final java.util.List<ListField> LIST_FIELDS = java.util.List.of(ListField.text("id"),
      ListField.text("displayName"), ListField.flag("enabled"), ListField.flag("provisioned"),
      ListField.flag("simulated"), ListField.text("template"), ListField.text("scopes"));

  /** The devices {@code scope} reaches that a list request ({@code filter}, {@code orderby}) selects, one page. */
  public Future<Page<Device>> select(ListQuery query, OrganizationScope scope, PageRequest page) {
    return devices.select(query, scope, page);
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
    Attestation complete = complete(a);
    return devices.saveAttestation(id, complete).map(found -> {
      if (!found) {
        throw notFound(id);
      }
      channel.disconnect(id);
      return complete;
    });
  }

  /**
   * Changes the attestation in one atomic step ({@code merge} turns the stored one into the new one; symmetric keys
   * it leaves out are generated). Fails with {@code NotFound} or {@code Invalid}. Live sessions must reconnect.
   */
  public Future<Attestation> patchAttestation(String id, UnaryOperator<Attestation> merge) {
    return devices.updateAttestation(id, current -> complete(merge.apply(current))).map(a -> {
      Attestation changed = a.orElseThrow(() -> notFound(id));
      channel.disconnect(id);
      return changed;
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

  /** Checks the attestation's size and generates the symmetric keys it leaves out. */
  private static Attestation complete(Attestation a) {
    if (a.document() != null) {
      Limits.document("The attestation", a.document(), MAX_ATTESTATION);
    }
    return a.isSymmetricKey()
        ? Attestation.symmetricKey(a.primaryKey() != null ? a.primaryKey() : SymmetricKeys.generate(),
            a.secondaryKey() != null ? a.secondaryKey() : SymmetricKeys.generate())
        : a;
  }

  private Device afterChange(Device before, Device after) {
    if (before != null && before.enabled() && !after.enabled()) {
      channel.disconnect(after.id());
    }
    listener.changed(before, after);
    return after;
  }

  /**
   * Runs {@code write}, which may make a device start simulating ({@code simulated} is true): then through one gate, so
   * that the count against the limit and the write it guards never interleave with another such pair (two concurrent
   * requests cannot both take the last place).
   */
  private <T> Future<T> gated(Boolean simulated, Supplier<Future<T>> write) {
    return Boolean.TRUE.equals(simulated) ? simulationStarts.run(write) : write.get();
  }

  /** {@code after}, unless it makes one simulated device more than the limit ({@code Invalid}). */
  private Device withinSimulationLimit(Device before, Device after, LongSupplier simulatedDevices) {
    if (after.simulated() && (before == null || !before.simulated())) {
      long count = simulatedDevices.getAsLong();
      if (count >= maxSimulated) {
        throw new FlotillaException.Invalid("Cannot simulate device \"" + after.id()
            + "\": this application already has " + count + " simulated devices, the most allowed (--sim-max-devices "
            + maxSimulated + ").");
      }
    }
    return after;
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
