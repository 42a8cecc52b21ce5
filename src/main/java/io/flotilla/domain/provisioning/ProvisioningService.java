package io.flotilla.domain.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceRepository;
import io.flotilla.domain.device.SymmetricKeys;
import io.flotilla.domain.template.DeviceTemplate;
import io.flotilla.domain.template.TemplateService;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may connect, and DPS registration: a device authenticates with its own keys or with a key derived from an
 * enabled enrollment group's key; a registration with a group-derived key creates an unknown device.
 */
public final class ProvisioningService {
  private final DeviceRepository devices;
  private final TemplateService templates;
  private final EnrollmentService enrollments;
  private final Clock clock;
  private final ProvisionedMarks provisionedMarks;
  private final X509Check x509;

  public ProvisioningService(DeviceRepository devices, TemplateService templates, EnrollmentService enrollments,
                             Clock clock) {
    this.devices = devices;
    this.templates = templates;
    this.enrollments = enrollments;
    this.clock = clock;
    this.provisionedMarks = new ProvisionedMarks(devices);
    this.x509 = new X509Check(clock);
  }

  /** A device that may hold a session, with the keys any of which may sign its token. */
  public record Admission(Device device, List<CandidateKey> keys) {
  }

  /** The device and its candidate keys; empty when the device does not exist. Never fails for a missing device. */
  public Future<Optional<Admission>> admission(String deviceId) {
    return devices.findWithAttestation(deviceId).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      return enrollments.enabled().map(groups ->
          Optional.of(new Admission(found.get().device(), candidates(deviceId, Optional.ofNullable(found.get().attestation()),
              groups))));
    });
  }

  /** Whether a TLS client certificate proves an identity, and through which enrollment group. */
  public record CertificateVerdict(boolean accepted, String groupId, String reason) {
    static CertificateVerdict refused(String reason) {
      return new CertificateVerdict(false, null, reason);
    }
  }

  /** A device presenting a certificate: the device and the verdict on its certificate. */
  public record CertificateAdmission(Device device, CertificateVerdict verdict) {
  }

  /**
   * The device and whether {@code chain} admits it (see {@link #certificateRegistration}); empty when the device does
   * not exist. Never fails for a missing device.
   */
  public Future<Optional<CertificateAdmission>> certificateAdmission(String deviceId, CertificateChain chain) {
    return devices.findWithAttestation(deviceId).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.empty())
        : enrollments.enabled().map(groups -> Optional.of(new CertificateAdmission(found.get().device(),
            x509.check(deviceId, chain, Optional.ofNullable(found.get().attestation()), groups)))));
  }

  /**
   * Whether {@code chain} proves {@code registrationId}: its leaf's CN is the id and it is valid now, and either its
   * thumbprint is one of the device's own x509 client certificates (no group) or it chains to a verified signing
   * certificate of an enabled x509 enrollment group (that group).
   */
  public Future<CertificateVerdict> certificateRegistration(String registrationId, CertificateChain chain) {
    return devices.attestation(registrationId).compose(own -> enrollments.enabled()
        .map(groups -> x509.check(registrationId, chain, own, groups)));
  }

  /** The keys that may sign a registration's token: the device's own (if it exists) and group-derived ones. */
  public Future<List<CandidateKey>> registrationKeys(String registrationId) {
    return keys(registrationId);
  }

  /**
   * Registers a device. With {@code groupId} (the group whose derived key authenticated) an unknown device is
   * created with the group-derived keys; a known device is kept. {@code payload}'s {@code modelId} assigns the
   * template of that id to a device without one, when such a template exists. Marks the device provisioned.
   * Answers a {@code disabled} registration for a blocked device and a {@code failed} one for an unknown device
   * without group key or an invalid registration id.
   */
  public Future<Registration> register(String registrationId, String groupId, JsonNode payload) {
    Instant now = clock.instant();
    try {
      Ids.deviceId(registrationId);
    } catch (FlotillaException.Invalid e) {
      return Future.succeededFuture(failed(registrationId, now, e.getMessage()));
    }
    String modelId = payload != null && payload.path("modelId").isTextual() ? payload.path("modelId").asText() : null;
    return templateFor(modelId).compose(templateId -> devices.find(registrationId).compose(found -> {
      if (found.isPresent()) {
        return assignExisting(found.get(), templateId, now);
      }
      if (groupId == null) {
        return Future.succeededFuture(failed(registrationId, now, "The device is not registered."));
      }
      return create(registrationId, groupId, templateId, now);
    }));
  }

  /** Records that the device connected (it is then provisioned). */
  public Future<Void> connected(String deviceId) {
    return provisionedMarks.mark(deviceId);
  }

  private Future<Registration> assignExisting(Device device, String templateId, Instant now) {
    if (!device.enabled()) {
      return Future.succeededFuture(new Registration(device.id(), device.id(), "disabled", null, now, now,
          "The device is blocked."));
    }
    Future<?> assign = device.templateId() == null && templateId != null
        ? devices.update(device.id(), (current, simulated) -> current.templateId() != null ? current
            : new Device(current.id(), current.displayName(), templateId, current.enabled(), current.simulated(),
                current.provisioned(), Etags.fresh(), current.organizations()))
        : Future.succeededFuture();
    return assign.compose(x -> devices.markProvisioned(device.id()))
        .map(x -> assigned(device.id(), "reprovisionedToInitialAssignment", now));
  }

  private Future<Registration> create(String id, String groupId, String templateId, Instant now) {
    return enrollments.get(groupId).compose(group -> {
      Device device = new Device(id, id, templateId, true, false, true, Etags.fresh(), List.of());
      Attestation keys = group.x509() ? Attestation.x509ThroughGroup()
          : Attestation.symmetricKey(SymmetricKeys.derive(group.primaryKey(), id),
              SymmetricKeys.derive(group.secondaryKey(), id));
      return devices.insert(device, keys).map(x -> assigned(id, "initialAssignment", now));
    }).recover(e -> e instanceof FlotillaException.Conflict
        ? devices.markProvisioned(id).map(x -> assigned(id, "initialAssignment", now))
        : Future.failedFuture(e));
  }

  private Future<String> templateFor(String modelId) {
    if (modelId == null || modelId.isEmpty()) {
      return Future.succeededFuture(null);
    }
    try {
      Ids.templateId(modelId);
    } catch (FlotillaException.Invalid e) {
      return Future.succeededFuture(null);
    }
    return templates.find(modelId).map(t -> t.map(DeviceTemplate::id).orElse(null));
  }

  private Future<List<CandidateKey>> keys(String id) {
    Future<Optional<Attestation>> own = devices.attestation(id);
    return own.compose(a -> enrollments.enabled().map(groups -> candidates(id, a, groups)));
  }

  private static List<CandidateKey> candidates(String id, Optional<Attestation> own, List<EnrollmentGroup> groups) {
    List<CandidateKey> keys = new ArrayList<>();
    own.filter(Attestation::isSymmetricKey).ifPresent(att -> {
      add(keys, att.primaryKey(), null);
      add(keys, att.secondaryKey(), null);
    });
    for (EnrollmentGroup g : groups) {
      if (g.x509()) {
        continue;
      }
      add(keys, derive(g.primaryKey(), id), g.id());
      add(keys, derive(g.secondaryKey(), id), g.id());
    }
    return keys;
  }

  private static String derive(String groupKey, String id) {
    try {
      return groupKey == null ? null : SymmetricKeys.derive(groupKey, id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void add(List<CandidateKey> keys, String key, String groupId) {
    if (key != null && !key.isEmpty()) {
      keys.add(new CandidateKey(key, groupId));
    }
  }

  private static Registration assigned(String id, String substatus, Instant now) {
    return new Registration(id, id, "assigned", substatus, now, now, null);
  }

  private static Registration failed(String id, Instant now, String message) {
    return new Registration(id, null, "failed", null, now, now, message);
  }
}
