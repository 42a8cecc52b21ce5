package io.flotilla.app;

/**
 * The TLS key-exchange groups this process offers and accepts (TLS 1.3 key shares, TLS 1.2 ECDHE curves), in order
 * of preference. Both TLS engines read them from {@code jdk.tls.namedGroups}: the JDK's and Netty's BoringSSL one,
 * which otherwise prefers the hybrid post-quantum {@code X25519MLKEM768} — about a third of a TLS 1.3 handshake's CPU
 * on either side and 1.1 KB more per ClientHello, which constrained devices and a connect storm both pay. The default
 * is the classic set every device SDK speaks; {@code --tls-groups} (or the property) brings the hybrid back. The
 * property is JVM-wide: the JDK's TLS clients in this process (a PostgreSQL connection over SSL) use the same groups,
 * so a database server that only offers finite-field DHE needs {@code ffdhe2048} added.
 */
public final class TlsGroups {
  public static final String PROPERTY = "jdk.tls.namedGroups";
  public static final String DEFAULT = "x25519,secp256r1,secp384r1";

  private TlsGroups() {
  }

  /**
   * Sets the groups unless the JVM was started with the property (an explicit {@code -D} wins over the default, an
   * explicit {@code configured} value over both). Must run before the first TLS context is created.
   */
  public static String apply(String configured) {
    String value = configured != null && !configured.isBlank() ? configured.trim()
        : System.getProperty(PROPERTY, DEFAULT);
    System.setProperty(PROPERTY, value);
    return value;
  }
}
