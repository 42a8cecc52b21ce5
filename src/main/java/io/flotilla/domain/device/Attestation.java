package io.flotilla.domain.device;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a device proves its identity. Symmetric-key attestation carries two keys; x509 and tpm attestations are
 * stored as documents ({@code document}); an x509 one authenticates by its client certificates' thumbprints.
 */
public record Attestation(String type, String primaryKey, String secondaryKey, ObjectNode document) {
  public static final String SYMMETRIC_KEY = "symmetricKey";
  public static final String X509 = "x509";

  public static Attestation symmetricKey(String primary, String secondary) {
    return new Attestation(SYMMETRIC_KEY, primary, secondary, null);
  }

  public static Attestation generated() {
    return symmetricKey(SymmetricKeys.generate(), SymmetricKeys.generate());
  }

  public boolean isSymmetricKey() {
    return SYMMETRIC_KEY.equals(type);
  }

  /** An x509 attestation without certificates of its own (the device proves itself through its group's CA). */
  public static Attestation x509ThroughGroup() {
    ObjectNode doc = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", X509);
    doc.putObject(X509).putObject("clientCertificates");
    return new Attestation(X509, null, null, doc);
  }

  /** The SHA-1 thumbprints of an x509 attestation's client certificates (primary, secondary), as stored. */
  public java.util.List<String> thumbprints() {
    if (!X509.equals(type) || document == null) {
      return java.util.List.of();
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    com.fasterxml.jackson.databind.JsonNode certs = document.path(X509).path("clientCertificates");
    for (String entry : java.util.List.of("primary", "secondary")) {
      String t = certs.path(entry).path("info").path("sha1Thumbprint").asText("");
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }
}
