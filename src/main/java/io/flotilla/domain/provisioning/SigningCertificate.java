package io.flotilla.domain.provisioning;

/**
 * One signing (CA) certificate of an X.509 enrollment group: devices whose certificate chains to it are admitted once
 * it is {@code verified} (proof of possession, or the uploader said so).
 *
 * @param certificate Base64 of the DER encoding
 * @param thumbprint its SHA-1 thumbprint (upper-case hex)
 * @param verificationCode the code a verification certificate must carry as its CN; null when none was generated
 */
public record SigningCertificate(String certificate, String thumbprint, boolean verified, String etag,
                                 String verificationCode) {
  public static final String PRIMARY = "primary";
  public static final String SECONDARY = "secondary";

  public CertificateChain chain() {
    return CertificateChain.parse(certificate, "certificate");
  }
}
