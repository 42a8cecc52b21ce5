package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderX509;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestCertificates;
import io.flotilla.testing.TestCertificates.Issued;
import io.flotilla.testing.TestServer;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * X.509 devices with the published Java SDKs: {@code SecurityProviderX509} through DPS, then {@code DeviceClient}
 * with an {@code SSLContext} holding the device key; and straight to the hub by thumbprint. Binds 127.0.0.1:8883
 * (the SDKs' fixed port): run only under {@code flock /tmp/flotilla-8883.lock}.
 */
@Tag("sdk")
class SdkX509Test {
  static TestServer server;
  static ApiClient api;
  static Issued ca;

  @BeforeAll
  static void start() {
    server = TestServer.start(c -> c.withMqttPort(8883));
    api = server.api();
    GatewayFixture.template(server);
    ca = TestCertificates.authority("SdkX509Test CA");
    String body = ApiClient.JSON.createObjectNode().put("displayName", "X509").put("type", "iot").set("attestation",
        ApiClient.JSON.createObjectNode().put("type", "x509").set("x509", ApiClient.JSON.createObjectNode()
            .set("signingCertificates", ApiClient.JSON.createObjectNode().set("primary",
                ApiClient.JSON.createObjectNode().put("certificate", ca.base64()))))).toString();
    assertThat(api.put("/api/enrollmentGroups/sdk-x509", body).status()).isEqualTo(200);
    // proof of possession, as an operator would do it with openssl
    String code = api.post("/api/enrollmentGroups/sdk-x509/certificates/primary/generateVerificationCode", "")
        .json().path("verificationCode").asText();
    assertThat(api.post("/api/enrollmentGroups/sdk-x509/certificates/primary/verify", ApiClient.JSON
        .createObjectNode().put("certificate", TestCertificates.leaf(code, ca).base64()).toString()).status())
        .isEqualTo(204);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The device's certificate and key for DPS, trusting the server's generated certificate. */
  static final class DeviceCertificate extends SecurityProviderX509 {
    private final Issued leaf;

    DeviceCertificate(Issued leaf) {
      this.leaf = leaf;
    }

    @Override
    public String getClientCertificateCommonName() {
      return leaf.certificate().getSubjectX500Principal().getName().replaceFirst("^CN=", "");
    }

    @Override
    public X509Certificate getClientCertificate() {
      return leaf.certificate();
    }

    @Override
    public Key getClientPrivateKey() {
      return leaf.key();
    }

    @Override
    public Collection<X509Certificate> getIntermediateCertificatesChain() {
      return List.of();
    }

    @Override
    public SSLContext getSSLContext() {
      return leaf.sslContext(GatewayFixture.caCert(server));
    }
  }

  private static DeviceClient hub(String hubHost, String deviceId, Issued leaf) {
    return new DeviceClient("HostName=" + hubHost + ";DeviceId=" + deviceId + ";x509=true", IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(leaf.sslContext(GatewayFixture.caCert(server))).build());
  }

  @Test
  void aDeviceRegistersThroughDpsWithItsCertificateThenSendsTelemetry() throws Exception {
    Issued leaf = TestCertificates.leaf("sdk-x509-1", ca);
    ProvisioningDeviceClient dps = ProvisioningDeviceClient.create("127.0.0.1",
        server.server().wiring().application().idScope(), ProvisioningDeviceClientTransportProtocol.MQTT,
        new DeviceCertificate(leaf));
    ProvisioningDeviceClientRegistrationResult result = dps.registerDeviceSync();
    dps.close();
    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getDeviceId()).isEqualTo("sdk-x509-1");

    DeviceClient client = hub(result.getIothubUri(), result.getDeviceId(), leaf);
    client.open(false);
    try {
      client.sendEvent(new Message("{\"temperature\": 19.5}"));
      assertThat(api.get("/api/devices/sdk-x509-1").json().path("provisioned").asBoolean()).isTrue();
    } finally {
      client.close();
    }
    // a certificate from another CA is refused
    DeviceClient stranger = hub("127.0.0.1", "sdk-x509-1", TestCertificates.leaf("sdk-x509-1",
        TestCertificates.authority("SdkX509Test stranger")));
    assertThat(catchThrowableOfType(() -> stranger.open(false), IotHubClientException.class)).isNotNull();
  }

  @Test
  void anIndividualDeviceConnectsStraightToTheHubByThumbprint() throws Exception {
    Issued self = TestCertificates.selfSigned("sdk-x509-own");
    assertThat(api.put("/api/devices/sdk-x509-own", "{\"displayName\":\"own\"}").status()).isEqualTo(200);
    assertThat(api.put("/api/devices/sdk-x509-own/attestation", "{\"type\":\"x509\",\"x509\":{\"clientCertificates\":"
        + "{\"primary\":{\"certificate\":\"" + self.base64() + "\"}}}}").status()).isEqualTo(200);
    DeviceClient client = hub("127.0.0.1", "sdk-x509-own", self);
    client.open(false);
    try {
      client.sendEvent(new Message("{\"temperature\": 20}"));
      await().atMost(Duration.ofSeconds(5)).until(() ->
          api.get("/api/devices/sdk-x509-own").json().path("provisioned").asBoolean());
    } finally {
      client.close();
    }
  }
}
