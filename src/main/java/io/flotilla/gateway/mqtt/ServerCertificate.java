package io.flotilla.gateway.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * The TLS certificate of the device listener (P-2): a self-signed EC P-256 certificate, valid ten years, that is its own
 * trust anchor. Its SANs cover {@code 127.0.0.1}, {@code ::1}, {@code localhost} and the configured host name, so
 * clients that verify the host name (the Java SDK via Paho, Node) accept it.
 *
 * @param certificatePath PEM certificate, also what clients trust
 * @param privateKeyPath PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}), owner-only where POSIX
 */
public record ServerCertificate(Path certificatePath, Path privateKeyPath) {

  public static final String CERTIFICATE_FILE = "server-cert.pem";
  public static final String PRIVATE_KEY_FILE = "server-key.pem";

  private static final Duration VALIDITY = Duration.ofDays(3650);
  private static final Duration BACKDATE = Duration.ofDays(1);

  /**
   * Returns the certificate in {@code directory}, generating it first when neither file exists. Existing files are
   * reused as they are, even if they do not name {@code hostName}.
   *
   * @throws IllegalStateException if only one of the two files exists, or the certificate file cannot be read
   * @throws UncheckedIOException if the files cannot be written
   */
  public static ServerCertificate loadOrCreate(Path directory, String hostName) {
    ServerCertificate files = new ServerCertificate(
        directory.resolve(CERTIFICATE_FILE), directory.resolve(PRIVATE_KEY_FILE));
    boolean certExists = Files.exists(files.certificatePath);
    boolean keyExists = Files.exists(files.privateKeyPath);
    if (certExists != keyExists) {
      throw new IllegalStateException("found only one of " + files.certificatePath + " and " + files.privateKeyPath);
    }
    if (!certExists) {
      files.generate(hostName);
    }
    files.certificate();
    return files;
  }

  /** The certificate, read from {@link #certificatePath()}. */
  public X509Certificate certificate() {
    try (InputStream in = Files.newInputStream(certificatePath)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("unreadable certificate " + certificatePath, e);
    }
  }

  /** The certificate PEM text, to hand to clients as their trusted CA. */
  public String certificatePem() {
    try {
      return Files.readString(certificatePath, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void generate(String hostName) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      X509Certificate certificate = selfSigned(keys, hostName, Instant.now());
      Files.createDirectories(certificatePath.toAbsolutePath().getParent());
      writeAtomically(privateKeyPath, pem(new JcaPKCS8Generator(keys.getPrivate(), null)), true);
      writeAtomically(certificatePath, pem(certificate), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate the server certificate", e);
    }
  }

  private static X509Certificate selfSigned(KeyPair keys, String hostName, Instant now)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X500Name subject = new X500Name("CN=Flotilla device gateway");
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
        new BigInteger(64, new SecureRandom()).setBit(63), Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    builder.addExtension(Extension.subjectKeyIdentifier, false,
        extensions.createSubjectKeyIdentifier(keys.getPublic()));
    builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(hostName));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  /** IP SANs for {@code 127.0.0.1} and {@code ::1}, DNS SAN {@code localhost}, plus {@code hostName} as IP or DNS. */
  static GeneralNames subjectAlternativeNames(String hostName) {
    Set<String> names = new LinkedHashSet<>(List.of("127.0.0.1", "::1", "localhost"));
    if (hostName != null && !hostName.isBlank()) {
      String host = hostName.strip();
      names.add(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
    }
    List<GeneralName> general = new ArrayList<>();
    for (String name : names) {
      general.add(IPAddress.isValid(name)
          ? new GeneralName(GeneralName.iPAddress, name)
          : new GeneralName(GeneralName.dNSName, name.toLowerCase(Locale.ROOT)));
    }
    return new GeneralNames(general.toArray(GeneralName[]::new));
  }

  private static String pem(Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return text.toString();
  }

  /** Writes through a temporary file (owner-only on POSIX) and a rename; a public file is then made world-readable. */
  private static void writeAtomically(Path target, String content, boolean ownerOnly) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    Path temp = posix
        ? Files.createTempFile(target.toAbsolutePath().getParent(), ".flotilla", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(target.toAbsolutePath().getParent(), ".flotilla", ".tmp");
    try {
      Files.writeString(temp, content, StandardCharsets.US_ASCII);
      if (posix && !ownerOnly) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
