package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a device proves its identity. Symmetric-key attestation carries two keys; x509 and tpm attestations are
 * stored as sent ({@code document}) but only symmetric keys can authenticate an MQTT session today.
 */
public record Attestation(String type, String primaryKey, String secondaryKey, ObjectNode document) {
  public static final String SYMMETRIC_KEY = "symmetricKey";

  public static Attestation symmetricKey(String primary, String secondary) {
    return new Attestation(SYMMETRIC_KEY, primary, secondary, null);
  }

  public static Attestation generated() {
    return symmetricKey(SymmetricKeys.generate(), SymmetricKeys.generate());
  }

  public boolean isSymmetricKey() {
    return SYMMETRIC_KEY.equals(type);
  }
}
