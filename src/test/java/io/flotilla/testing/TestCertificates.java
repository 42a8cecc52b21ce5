package io.flotilla.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made in tests with BouncyCastle: CAs, device leaves signed by them, and the TLS material to use them. */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private TestCertificates() {
  }

  /** A certificate with its key; {@code chain} is the leaf first, then its issuers (not the root it chains to). */
  public record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {
    public String base64() {
      try {
        return Base64.getEncoder().encodeToString(certificate.getEncoded());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    public String pem() {
      return TestCertificates.pem(certificate);
    }

    /** The chain as PEM (leaf first). */
    public String chainPem() {
      StringBuilder b = new StringBuilder();
      chain.forEach(c -> b.append(TestCertificates.pem(c)));
      return b.toString();
    }

    public String keyPem() {
      try {
        return TestCertificates.pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** A TLS client context holding this key and chain, trusting {@code serverCaPem}. */
    public SSLContext sslContext(java.nio.file.Path serverCaPem) {
      try {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("device", key, new char[0], chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(serverCaPem)) {
          int i = 0;
          for (Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            trust.setCertificateEntry("server-" + i++, c);
          }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A self-signed CA, valid from an hour ago for a year. */
  public static Issued authority(String cn) {
    KeyPair kp = keyPair();
    X509Certificate c = sign(cn, kp, cn, kp.getPrivate(), true, Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(365)));
    return new Issued(c, kp.getPrivate(), List.of(c));
  }

  /** An intermediate CA signed by {@code issuer}. */
  public static Issued intermediate(String cn, Issued issuer) {
    KeyPair kp = keyPair();
    X509Certificate c = sign(cn, kp, subject(issuer), issuer.key(), true, Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(365)));
    return new Issued(c, kp.getPrivate(), concat(c, issuer));
  }

  /** A leaf with {@code cn} signed by {@code issuer}, valid now. */
  public static Issued leaf(String cn, Issued issuer) {
    return leaf(cn, issuer, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)));
  }

  public static Issued leaf(String cn, Issued issuer, Instant notBefore, Instant notAfter) {
    KeyPair kp = keyPair();
    X509Certificate c = sign(cn, kp, subject(issuer), issuer.key(), false, notBefore, notAfter);
    return new Issued(c, kp.getPrivate(), concat(c, issuer));
  }

  /** A self-signed leaf (individual enrollment by thumbprint). */
  public static Issued selfSigned(String cn) {
    KeyPair kp = keyPair();
    X509Certificate c = sign(cn, kp, cn, kp.getPrivate(), false, Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(30)));
    return new Issued(c, kp.getPrivate(), List.of(c));
  }

  /** The SHA-1 thumbprint, upper-case hex. */
  public static String thumbprint(Issued issued) {
    try {
      return java.util.HexFormat.of().withUpperCase().formatHex(
          java.security.MessageDigest.getInstance("SHA-1").digest(issued.certificate().getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<X509Certificate> concat(X509Certificate leaf, Issued issuer) {
    java.util.ArrayList<X509Certificate> out = new java.util.ArrayList<>();
    out.add(leaf);
    // the root itself is not sent (the server holds it), intermediates are
    if (issuer.chain().size() > 1 || !issuer.certificate().getSubjectX500Principal()
        .equals(issuer.certificate().getIssuerX500Principal())) {
      out.addAll(issuer.chain());
    }
    return out;
  }

  private static String subject(Issued issuer) {
    return new X500Name(issuer.certificate().getSubjectX500Principal().getName()).toString();
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(String cn, KeyPair subject, String issuerName, PrivateKey issuerKey, boolean ca,
                                      Instant notBefore, Instant notAfter) {
    try {
      X500Name name = cn.contains("=") ? new X500Name(cn) : new X500Name("CN=" + cn);
      X500Name issuer = issuerName.contains("=") ? new X500Name(issuerName) : new X500Name("CN=" + issuerName);
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(
          SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), name, subject.getPublic());
      b.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(1) : new BasicConstraints(false));
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(Object o) {
    try {
      StringWriter w = new StringWriter();
      try (JcaPEMWriter p = new JcaPEMWriter(w)) {
        p.writeObject(o);
      }
      return w.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
