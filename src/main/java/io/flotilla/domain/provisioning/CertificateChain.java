package io.flotilla.domain.provisioning;

import io.flotilla.domain.common.FlotillaException;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * X.509 certificates as the domain sees them: a leaf first, then the certificates that issued it (as a device sends
 * them in its TLS handshake, or one certificate uploaded to an enrollment group). Answers the leaf's common name,
 * SHA-1 thumbprint and validity, and whether the chain is signed up to a given signing certificate. The JDK's
 * certificate parser does the decoding; nothing here does I/O.
 */
public final class CertificateChain {
  private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String PEM_END = "-----END CERTIFICATE-----";
  private final List<X509Certificate> certificates;

  private CertificateChain(List<X509Certificate> certificates) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("A certificate chain has at least one certificate.");
    }
    this.certificates = List.copyOf(certificates);
  }

  /** The DER encodings, leaf first. Fails with {@code IllegalArgumentException} when one cannot be decoded. */
  public static CertificateChain ofDer(List<byte[]> der) {
    List<X509Certificate> out = new ArrayList<>();
    for (byte[] d : der) {
      out.add(decode(d));
    }
    return new CertificateChain(out);
  }

  /**
   * A certificate as a client uploads it: Base64 of the DER encoding, or PEM (one or more certificates). Fails with
   * {@code Invalid} naming {@code field} when it is neither.
   */
  public static CertificateChain parse(String text, String field) {
    if (text == null || text.isBlank()) {
      throw new FlotillaException.Invalid("\"" + field + "\" must be a certificate (Base64 DER or PEM).");
    }
    try {
      if (text.contains(PEM_BEGIN)) {
        List<X509Certificate> out = new ArrayList<>();
        int at = text.indexOf(PEM_BEGIN);
        while (at >= 0) {
          int end = text.indexOf(PEM_END, at);
          if (end < 0) {
            throw new IllegalArgumentException("unterminated PEM block");
          }
          out.add(decode(Base64.getMimeDecoder().decode(text.substring(at + PEM_BEGIN.length(), end))));
          at = text.indexOf(PEM_BEGIN, end);
        }
        return new CertificateChain(out);
      }
      return new CertificateChain(List.of(decode(Base64.getMimeDecoder().decode(text.strip()))));
    } catch (IllegalArgumentException e) {
      throw new FlotillaException.Invalid("\"" + field + "\" must be a certificate (Base64 DER or PEM): "
          + e.getMessage());
    }
  }

  private static X509Certificate decode(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | ClassCastException e) {
      throw new IllegalArgumentException("not an X.509 certificate", e);
    }
  }

  /** Base64 of the leaf's DER encoding (how Flotilla stores and answers a certificate). */
  public String leafBase64() {
    try {
      return Base64.getEncoder().encodeToString(certificates.get(0).getEncoded());
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The leaf's SHA-1 thumbprint, 40 upper-case hex digits (as IoT Hub shows it). */
  public String thumbprint() {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(certificates.get(0).getEncoded());
      return HexFormat.of().withUpperCase().formatHex(sha1);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The leaf subject's CN, or null when it has none. */
  public String commonName() {
    try {
      LdapName name = new LdapName(certificates.get(0).getSubjectX500Principal().getName());
      for (Rdn rdn : name.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
      return null;
    } catch (InvalidNameException e) {
      return null;
    }
  }

  public Instant notAfter() {
    return certificates.get(0).getNotAfter().toInstant();
  }

  /** Whether the leaf is within its validity period at {@code now}. */
  public boolean validAt(Instant now) {
    X509Certificate leaf = certificates.get(0);
    return !now.isBefore(leaf.getNotBefore().toInstant()) && !now.isAfter(leaf.getNotAfter().toInstant());
  }

  /** Whether the leaf may sign certificates (basic constraints CA). */
  public boolean certificateAuthority() {
    return certificates.get(0).getBasicConstraints() >= 0;
  }

  /** Whether the leaf's signature verifies with {@code issuer}'s leaf public key. */
  public boolean signedBy(CertificateChain issuer) {
    return verifies(certificates.get(0), issuer.certificates.get(0));
  }

  /**
   * Whether this chain leads to {@code anchor}'s leaf: walking from the leaf, each certificate is signed by the next
   * one presented (which must be a CA), until one is signed by the anchor or is the anchor itself. Every certificate
   * on the way, and the anchor, must be valid at {@code now}.
   */
  public boolean chainsTo(CertificateChain anchor, Instant now) {
    X509Certificate root = anchor.certificates.get(0);
    if (!valid(root, now)) {
      return false;
    }
    for (int i = 0; i < certificates.size(); i++) {
      X509Certificate c = certificates.get(i);
      if (!valid(c, now) || (i > 0 && c.getBasicConstraints() < 0)) {
        return false;
      }
      if (c.equals(root)) {
        return i > 0;
      }
      if (verifies(c, root)) {
        return true;
      }
      if (i + 1 >= certificates.size() || !verifies(c, certificates.get(i + 1))) {
        return false;
      }
    }
    return false;
  }

  private static boolean valid(X509Certificate c, Instant now) {
    return !now.isBefore(c.getNotBefore().toInstant()) && !now.isAfter(c.getNotAfter().toInstant());
  }

  private static boolean verifies(X509Certificate subject, X509Certificate issuer) {
    if (!subject.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      subject.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** A thumbprint as a client may write it (hex, any case, with or without colons), upper-case; null if not one. */
  public static String normalThumbprint(String text) {
    if (text == null) {
      return null;
    }
    String hex = text.replace(":", "").strip().toUpperCase(Locale.ROOT);
    return hex.matches("[0-9A-F]{40}") ? hex : null;
  }

  @Override
  public String toString() {
    return "CertificateChain[CN=" + commonName() + ", " + certificates.size() + " certificate(s)]";
  }
}
