package io.flotilla.domain.provisioning;

import io.flotilla.domain.common.CreateOrReplace;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.SymmetricKeys;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Creates, changes and removes enrollment groups, and answers the enabled ones to authentication (cached in memory,
 * refreshed on every change made through this service).
 */
public final class EnrollmentService {
  public static final String DEFAULT_GROUP_ID = "default-sas";
  public static final String DEFAULT_GROUP_NAME = "SAS-IoT-Devices";
  private static final int MIN_KEY_BYTES = 16;
  private static final int MAX_KEY_BYTES = 64;
  private static final Set<String> TYPES = Set.of(EnrollmentGroup.TYPE_IOT, EnrollmentGroup.TYPE_IOT_EDGE);

  private final EnrollmentRepository repository;
  private final Clock clock;
  private final SigningCertificates certificates;
  private volatile List<EnrollmentGroup> enabledCache;

  public EnrollmentService(EnrollmentRepository repository) {
    this(repository, Clock.systemUTC());
  }

  public EnrollmentService(EnrollmentRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
    this.certificates = new SigningCertificates(repository, clock, () -> enabledCache = null);
  }

  /**
   * What a client may set; null fields are absent (a PATCH keeps the stored value). {@code certificates} not null
   * makes an x509 group (its entries by name, {@code primary} / {@code secondary}); the keys are then ignored.
   */
  public record Definition(String displayName, Boolean enabled, String type, String primaryKey, String secondaryKey,
                           String etag, Map<String, CertificateUpload> certificates) {
    public Definition(String displayName, Boolean enabled, String type, String primaryKey, String secondaryKey,
                      String etag) {
      this(displayName, enabled, type, primaryKey, secondaryKey, etag, null);
    }
  }

  /** A signing certificate as uploaded: Base64 DER or PEM, and whether the uploader declares it verified. */
  public record CertificateUpload(String certificate, boolean verified) {
  }

  /** The signing certificates of x509 groups and their proof-of-possession flow. */
  public SigningCertificates certificates() {
    return certificates;
  }

  /** Creates the default group ({@value #DEFAULT_GROUP_ID}) when there is no group at all (first start). */
  public Future<Void> ensureDefault() {
    return repository.all().compose(groups -> groups.isEmpty()
        ? put(DEFAULT_GROUP_ID, new Definition(DEFAULT_GROUP_NAME, true, EnrollmentGroup.TYPE_IOT, null, null, null))
            .mapEmpty()
        : Future.succeededFuture());
  }

  /**
   * Creates or replaces a group (a replace is one atomic update of the stored one); keys not given are generated.
   * Fails with {@code Invalid} for a bad id, a missing display name or type, or a key that is not Base64 of 16 to 64
   * bytes; {@code PreconditionFailed} for a stale etag.
   */
  public Future<EnrollmentGroup> put(String id, Definition d) {
    Ids.enrollmentGroupId(id);
    EnrollmentGroup group = build(id, d);
    return CreateOrReplace.run(
        () -> repository.update(id, current -> {
          Etags.check(d.etag(), current.etag());
          return group;
        }),
        () -> repository.save(group).map(created -> group))
        .onComplete(ar -> enabledCache = null);
  }

  /**
   * Merges the present fields into the group in one atomic step (the stored group is locked meanwhile: concurrent
   * patches are serialised, none lost); fails with {@code NotFound} when it does not exist (a group deleted before
   * stays deleted), {@code PreconditionFailed} for a stale etag, {@code Invalid} like {@link #put}.
   */
  public Future<EnrollmentGroup> patch(String id, Definition change) {
    return repository.update(id, current -> {
      Etags.check(change.etag(), current.etag());
      EnrollmentGroup merged = build(id, new Definition(
          change.displayName() != null ? change.displayName() : current.displayName(),
          change.enabled() != null ? change.enabled() : current.enabled(),
          change.type() != null ? change.type() : current.type(),
          change.primaryKey(), change.secondaryKey(), null, change.certificates()));
      if (change.certificates() != null) {
        return merged; // a new x509 attestation replaces the stored one
      }
      if (current.x509()) {
        return new EnrollmentGroup(id, merged.displayName(), merged.enabled(), merged.type(), "", "", merged.etag(),
            current.certificates());
      }
      // keys the patch leaves out stay as stored (checked when they were set)
      return new EnrollmentGroup(id, merged.displayName(), merged.enabled(), merged.type(),
          change.primaryKey() != null ? merged.primaryKey() : current.primaryKey(),
          change.secondaryKey() != null ? merged.secondaryKey() : current.secondaryKey(), merged.etag());
    }).map(g -> {
      enabledCache = null;
      return g.orElseThrow(() -> notFound(id));
    });
  }

  public Future<EnrollmentGroup> get(String id) {
    return repository.find(id).map(g -> g.orElseThrow(() -> notFound(id)));
  }

  public Future<Page<EnrollmentGroup>> list(PageRequest page) {
    return repository.list(page);
  }

  /** Fails with {@code NotFound}. Devices created through the group stay. */
  public Future<Void> delete(String id) {
    return repository.delete(id).map(found -> {
      enabledCache = null;
      if (!found) {
        throw notFound(id);
      }
      return null;
    });
  }

  /** The enabled groups, whose keys authenticate registrations and device sessions. */
  public Future<List<EnrollmentGroup>> enabled() {
    List<EnrollmentGroup> cached = enabledCache;
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return repository.all().map(all -> {
      List<EnrollmentGroup> enabled = all.stream().filter(EnrollmentGroup::enabled).toList();
      enabledCache = enabled;
      return enabled;
    });
  }

  private static EnrollmentGroup build(String id, Definition d) {
    if (d.displayName() == null || d.displayName().isBlank()) {
      throw new FlotillaException.Invalid("\"displayName\" is required.");
    }
    Limits.text("displayName", d.displayName(), Limits.DISPLAY_NAME);
    if (d.type() == null || !TYPES.contains(d.type())) {
      throw new FlotillaException.Invalid("\"type\" is required and must be \"iot\" or \"iotEdge\".");
    }
    if (d.certificates() != null) {
      Map<String, SigningCertificate> signing = new TreeMap<>();
      d.certificates().forEach((entry, upload) ->
          signing.put(SigningCertificates.entry(entry), SigningCertificates.signing(upload, "x509.signingCertificates."
              + entry + ".certificate")));
      return new EnrollmentGroup(id, d.displayName(), d.enabled() == null || d.enabled(), d.type(), "", "",
          Etags.fresh(), signing);
    }
    return new EnrollmentGroup(id, d.displayName(), d.enabled() == null || d.enabled(), d.type(),
        key(d.primaryKey(), "primaryKey"), key(d.secondaryKey(), "secondaryKey"), Etags.fresh());
  }

  private static String key(String given, String field) {
    if (given == null || given.isEmpty()) {
      return SymmetricKeys.generate();
    }
    try {
      int bytes = Base64.getDecoder().decode(given).length;
      if (bytes < MIN_KEY_BYTES || bytes > MAX_KEY_BYTES) {
        throw new IllegalArgumentException("length");
      }
    } catch (IllegalArgumentException e) {
      throw new FlotillaException.Invalid("\"" + field + "\" must be a Base64 key of " + MIN_KEY_BYTES + " to "
          + MAX_KEY_BYTES + " bytes.");
    }
    return given;
  }

  static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("Enrollment group \"" + id + "\" not found.");
  }
}
