package io.flotilla.domain.provisioning;

import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.provisioning.ProvisioningService.CertificateVerdict;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether a TLS client certificate chain proves an identity: the leaf's CN is the identity and the leaf is valid now;
 * then its thumbprint is one of the device's own x509 client certificates, or the chain leads (by signatures, every
 * certificate valid) to a verified signing certificate of an enabled x509 enrollment group. An unverified, removed
 * or replaced signing certificate admits nobody.
 */
final class X509Check {
  private final Clock clock;

  X509Check(Clock clock) {
    this.clock = clock;
  }

  CertificateVerdict check(String identity, CertificateChain chain, Optional<Attestation> own,
                           List<EnrollmentGroup> enabledGroups) {
    if (!identity.equals(chain.commonName())) {
      return CertificateVerdict.refused("the certificate's CN is not " + identity);
    }
    Instant now = clock.instant();
    if (!chain.validAt(now)) {
      return CertificateVerdict.refused("the certificate has expired or is not yet valid");
    }
    String thumbprint = chain.thumbprint();
    if (own.map(a -> a.thumbprints().stream().anyMatch(thumbprint::equalsIgnoreCase)).orElse(false)) {
      return new CertificateVerdict(true, null, null);
    }
    for (EnrollmentGroup g : enabledGroups) {
      if (!g.x509()) {
        continue;
      }
      for (SigningCertificate signing : g.certificates().values()) {
        if (signing.verified() && chain.chainsTo(signing.chain(), now)) {
          return new CertificateVerdict(true, g.id(), null);
        }
      }
    }
    return CertificateVerdict.refused("the certificate matches no device thumbprint and chains to no verified "
        + "group certificate");
  }
}
