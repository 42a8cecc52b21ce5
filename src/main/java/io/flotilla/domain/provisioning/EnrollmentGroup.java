package io.flotilla.domain.provisioning;

import java.util.Map;
import java.util.TreeMap;

/**
 * An enrollment group. With symmetric-key attestation devices prove membership with a key derived from the group
 * key and their registration id; with x509 attestation ({@code certificates} not null) with a certificate that
 * chains to one of the group's verified signing certificates. {@code type} is {@code iot} or {@code iotEdge}.
 *
 * @param certificates the signing certificates by entry ({@code primary}, {@code secondary}); null for a
 *     symmetric-key group, whose keys are then non-empty
 */
public record EnrollmentGroup(String id, String displayName, boolean enabled, String type, String primaryKey,
                              String secondaryKey, String etag, Map<String, SigningCertificate> certificates) {
  public static final String TYPE_IOT = "iot";
  public static final String TYPE_IOT_EDGE = "iotEdge";

  public EnrollmentGroup {
    certificates = certificates == null ? null : Map.copyOf(certificates);
  }

  /** A symmetric-key group. */
  public EnrollmentGroup(String id, String displayName, boolean enabled, String type, String primaryKey,
                         String secondaryKey, String etag) {
    this(id, displayName, enabled, type, primaryKey, secondaryKey, etag, null);
  }

  public boolean x509() {
    return certificates != null;
  }

  /** This group with {@code entry} set to {@code certificate} (removed when null) and a fresh etag. */
  public EnrollmentGroup withCertificate(String entry, SigningCertificate certificate, String freshEtag) {
    Map<String, SigningCertificate> next = new TreeMap<>(certificates == null ? Map.of() : certificates);
    if (certificate == null) {
      next.remove(entry);
    } else {
      next.put(entry, certificate);
    }
    return new EnrollmentGroup(id, displayName, enabled, type, primaryKey, secondaryKey, freshEtag, next);
  }
}
