package io.flotilla.gateway.mqtt;

import io.flotilla.domain.provisioning.CertificateChain;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.mqtt.MqttEndpoint;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;

/**
 * TLS client certificates on the device listeners: requested, never required (SAS devices send none), and accepted
 * at the handshake whatever they are; the CONNECT decides, checking the chain against the enrollment groups' verified
 * signing certificates and the devices' thumbprints (the domain's {@code X509Check}).
 */
final class ClientCertificates {
  private ClientCertificates() {
  }

  /** Asks clients for a certificate (naming no acceptable issuers, so a client sends whichever it holds). */
  static void request(NetServerOptions options) {
    options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(TrustOptions.wrap(new AnyChain()));
  }

  /** The chain the client presented in the handshake, leaf first; empty without TLS or certificate. */
  static Optional<CertificateChain> presented(MqttEndpoint endpoint) {
    SSLSession session = endpoint.isSsl() ? endpoint.sslSession() : null;
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] peer = session.getPeerCertificates();
      List<byte[]> der = new ArrayList<>();
      for (Certificate c : peer) {
        der.add(c.getEncoded());
      }
      return der.isEmpty() ? Optional.empty() : Optional.of(CertificateChain.ofDer(der));
    } catch (SSLPeerUnverifiedException noCertificate) {
      return Optional.empty();
    } catch (CertificateEncodingException | IllegalArgumentException undecodable) {
      return Optional.empty();
    }
  }

  /** Lets every client chain through the handshake (the CONNECT checks it); trusts no server (it is never one). */
  private static final class AnyChain implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // checked at CONNECT against the stored, verified group certificates
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("The device gateway authenticates no servers.");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
