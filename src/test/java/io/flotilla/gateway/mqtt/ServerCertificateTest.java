package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {

  private static final int IP = 7;
  private static final int DNS = 2;

  @TempDir
  Path dir;

  @Test
  void generatesASelfSignedCertificateForLoopbackAndTheConfiguredHost() throws Exception {
    ServerCertificate files = ServerCertificate.loadOrCreate(dir, "flotilla.example.net");

    X509Certificate cert;
    try (InputStream in = Files.newInputStream(dir.resolve("server-cert.pem"))) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertThat(files.certificatePath()).isEqualTo(dir.resolve("server-cert.pem"));
    assertThat(files.privateKeyPath()).isEqualTo(dir.resolve("server-key.pem"));
    assertThat(sans(cert, IP)).containsExactlyInAnyOrder("127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(sans(cert, DNS)).containsExactlyInAnyOrder("localhost", "flotilla.example.net");
    assertThat(cert.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(3640)));
    assertThat(cert.getNotBefore().toInstant()).isBefore(Instant.now());
    cert.checkValidity();
    cert.verify(cert.getPublicKey());
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(Files.readString(files.privateKeyPath())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(files.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(files.certificate()).isEqualTo(cert);
  }

  @Test
  void addsAnIpHostAsAnIpSubjectAlternativeName() throws Exception {
    X509Certificate v4 = ServerCertificate.loadOrCreate(dir.resolve("v4"), "192.0.2.7").certificate();
    X509Certificate v6 = ServerCertificate.loadOrCreate(dir.resolve("v6"), "[2001:db8::1]").certificate();
    X509Certificate none = ServerCertificate.loadOrCreate(dir.resolve("none"), null).certificate();

    assertThat(sans(v4, IP)).contains("192.0.2.7");
    assertThat(sans(v4, DNS)).containsExactly("localhost");
    assertThat(sans(v6, IP)).contains("2001:db8:0:0:0:0:0:1");
    assertThat(sans(none, IP)).containsExactlyInAnyOrder("127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(sans(none, DNS)).containsExactly("localhost");
  }

  @Test
  void reusesExistingFiles() throws Exception {
    ServerCertificate first = ServerCertificate.loadOrCreate(dir, "a.example");
    String pem = Files.readString(first.certificatePath());
    String key = Files.readString(first.privateKeyPath());

    ServerCertificate second = ServerCertificate.loadOrCreate(dir, "b.example");

    assertThat(Files.readString(second.certificatePath())).isEqualTo(pem);
    assertThat(Files.readString(second.privateKeyPath())).isEqualTo(key);
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
          "server-cert.pem", "server-key.pem");
    }
  }

  @Test
  void keepsThePrivateKeyOwnerOnly() throws Exception {
    ServerCertificate files = ServerCertificate.loadOrCreate(dir, "a.example");

    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.privateKeyPath())))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.certificatePath())))
          .isEqualTo("rw-r--r--");
    }
  }

  @Test
  void refusesAHalfPresentPair() throws Exception {
    Files.writeString(dir.resolve("server-cert.pem"), "x");

    assertThatThrownBy(() -> ServerCertificate.loadOrCreate(dir, "a.example"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(Files.readString(dir.resolve("server-cert.pem"))).isEqualTo("x");
  }

  @Test
  void servesTls12ThatAHostnameVerifyingClientAcceptsFor127001() throws Exception {
    ServerCertificate files = ServerCertificate.loadOrCreate(dir, "flotilla.example.net");
    Vertx vertx = Vertx.vertx();
    try {
      NetServer server = vertx.createNetServer(new NetServerOptions().setSsl(true)
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.2"))
          .setKeyCertOptions(new PemKeyCertOptions()
              .setCertPath(files.certificatePath().toString()).setKeyPath(files.privateKeyPath().toString())));
      server.connectHandler(socket -> socket.handler(socket::write));
      int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort();
      SSLContext context = trusting(files.certificate());

      try (SSLSocket socket = connect(context, port, "127.0.0.1")) {
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        OutputStream out = socket.getOutputStream();
        out.write("ping".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
      }
      try (SSLSocket socket = connect(context, port, "127.0.0.2")) {
        assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class)
            .hasMessageContaining("127.0.0.2");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Connects to 127.0.0.1 but verifies the certificate against {@code expectedHost}, like Paho does. */
  private static SSLSocket connect(SSLContext context, int port, String expectedHost) throws Exception {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    plain.setSoTimeout(5000);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, expectedHost, port, true);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    return socket;
  }

  /** What the Java SDK's IotHubSSLContext builds from a PEM: a TLSv1.2 context trusting that certificate. */
  private static SSLContext trusting(X509Certificate cert) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("flotilla", cert);
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.2");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static Set<String> sans(X509Certificate cert, int type) throws Exception {
    return cert.getSubjectAlternativeNames().stream()
        .filter(entry -> (Integer) entry.get(0) == type)
        .map(entry -> (String) entry.get(1))
        .collect(Collectors.toSet());
  }
}
