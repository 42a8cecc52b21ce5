package io.flotilla.domain.provisioning;

import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.provisioning.EnrollmentService.CertificateUpload;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Set;

/**
 * The signing certificates of x509 enrollment groups ({@code /enrollmentGroups/{id}/certificates/{entry}}) and their
 * proof of possession: a generated verification code, then a certificate with that code as its CN signed by the
 * signing certificate's key, which marks it verified. Every change gives the entry and the group a fresh etag.
 */
public final class SigningCertificates {
  private static final Set<String> ENTRIES = Set.of(SigningCertificate.PRIMARY, SigningCertificate.SECONDARY);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final EnrollmentRepository repository;
  private final Clock clock;
  private final Runnable changed;

  SigningCertificates(EnrollmentRepository repository, Clock clock, Runnable changed) {
    this.repository = repository;
    this.clock = clock;
    this.changed = changed;
  }

  /** Fails with {@code NotFound} for a missing group or entry, {@code Invalid} for an entry name not in the enum. */
  public Future<SigningCertificate> get(String groupId, String entry) {
    String e = entry(entry);
    return repository.find(groupId).map(found -> {
      EnrollmentGroup g = found.orElseThrow(() -> EnrollmentService.notFound(groupId));
      return present(g, e);
    });
  }

  /**
   * Sets the entry (a replaced certificate starts unverified unless the upload says verified); fails with
   * {@code Invalid} for a symmetric-key group or a certificate that cannot be decoded, {@code PreconditionFailed} for
   * a stale etag of the entry.
   */
  public Future<SigningCertificate> put(String groupId, String entry, CertificateUpload upload, String etag) {
    String e = entry(entry);
    SigningCertificate next = signing(upload, "certificate");
    return change(groupId, g -> {
      x509(g);
      SigningCertificate current = g.certificates().get(e);
      Etags.check(etag, current == null ? null : current.etag());
      return g.withCertificate(e, next, Etags.fresh());
    }).map(g -> g.certificates().get(e));
  }

  /** Removes the entry: devices chaining only to it are refused from their next connect. Fails with {@code NotFound}. */
  public Future<Void> delete(String groupId, String entry) {
    String e = entry(entry);
    return change(groupId, g -> {
      present(g, e);
      return g.withCertificate(e, null, Etags.fresh());
    }).mapEmpty();
  }

  /** A fresh verification code for the entry (it replaces an earlier one). Fails with {@code NotFound}. */
  public Future<String> generateVerificationCode(String groupId, String entry) {
    String e = entry(entry);
    byte[] raw = new byte[16];
    RANDOM.nextBytes(raw);
    String code = HexFormat.of().withUpperCase().formatHex(raw);
    return change(groupId, g -> {
      SigningCertificate c = present(g, e);
      return g.withCertificate(e, new SigningCertificate(c.certificate(), c.thumbprint(), c.verified(), Etags.fresh(),
          code), Etags.fresh());
    }).map(g -> code);
  }

  /**
   * Marks the entry verified when {@code certificateText} is a certificate, valid now, whose CN is the entry's
   * verification code and whose signature verifies with the entry's certificate; fails with {@code Invalid}
   * otherwise (no code generated, wrong CN, wrong signer, expired), {@code NotFound} for a missing group or entry.
   */
  public Future<Void> verify(String groupId, String entry, String certificateText) {
    String e = entry(entry);
    CertificateChain proof = CertificateChain.parse(certificateText, "certificate");
    return change(groupId, g -> {
      SigningCertificate c = present(g, e);
      if (c.verificationCode() == null) {
        throw new FlotillaException.Invalid("Generate a verification code for the " + e + " certificate first.");
      }
      if (!c.verificationCode().equals(proof.commonName())) {
        throw new FlotillaException.Invalid("The verification certificate's CN must be the verification code.");
      }
      if (!proof.signedBy(c.chain())) {
        throw new FlotillaException.Invalid("The verification certificate is not signed by the " + e
            + " certificate's private key.");
      }
      if (!proof.validAt(clock.instant())) {
        throw new FlotillaException.Invalid("The verification certificate is not valid now.");
      }
      return g.withCertificate(e, new SigningCertificate(c.certificate(), c.thumbprint(), true, Etags.fresh(), null),
          Etags.fresh());
    }).mapEmpty();
  }

  private Future<EnrollmentGroup> change(String groupId, java.util.function.UnaryOperator<EnrollmentGroup> change) {
    return repository.update(groupId, change).map(g -> {
      changed.run();
      return g.orElseThrow(() -> EnrollmentService.notFound(groupId));
    });
  }

  private static void x509(EnrollmentGroup g) {
    if (!g.x509()) {
      throw new FlotillaException.Invalid("Enrollment group \"" + g.id()
          + "\" uses symmetricKey attestation; it has no signing certificates.");
    }
  }

  private static SigningCertificate present(EnrollmentGroup g, String entry) {
    SigningCertificate c = g.x509() ? g.certificates().get(entry) : null;
    if (c == null) {
      throw new FlotillaException.NotFound("Enrollment group \"" + g.id() + "\" has no " + entry + " certificate.");
    }
    return c;
  }

  static String entry(String entry) {
    if (entry == null || !ENTRIES.contains(entry)) {
      throw new FlotillaException.Invalid("The certificate entry must be \"primary\" or \"secondary\", not \""
          + entry + "\".");
    }
    return entry;
  }

  static SigningCertificate signing(CertificateUpload upload, String field) {
    CertificateChain chain = CertificateChain.parse(upload.certificate(), field);
    return new SigningCertificate(chain.leafBase64(), chain.thumbprint(), upload.verified(), Etags.fresh(), null);
  }
}
