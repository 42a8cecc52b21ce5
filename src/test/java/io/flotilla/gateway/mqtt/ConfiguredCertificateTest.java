package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.testing.ScratchDirectories;
import io.flotilla.testing.TestServer;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code --mqtt-cert}/{@code --mqtt-key}: the listener serves the operator's certificate and generates none. */
class ConfiguredCertificateTest {
  @Test
  void theConfiguredCertificateIsServed() throws Exception {
    Path own = ScratchDirectories.create("own-cert");
    ServerCertificate cert = ServerCertificate.loadOrCreate(own, "127.0.0.1");
    Vertx vertx = Vertx.vertx();
    try (TestServer server = TestServer.start(c -> c.withMqttCertificate(cert.certificatePath(),
        cert.privateKeyPath()))) {
      assertThat(server.dataDir().resolve("certs").resolve(ServerCertificate.CERTIFICATE_FILE)).doesNotExist();
      String key = GatewayFixture.device(server, "own-cert-device", null);
      TestDevice trusting = TestDevice.hub(vertx, server.server().mqttPort(), cert.certificatePath(),
          "own-cert-device", key);
      assertThat(trusting.connect()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
      trusting.close();
      Path other = ServerCertificate.loadOrCreate(ScratchDirectories.create("other-cert"), "127.0.0.1")
          .certificatePath();
      TestDevice distrusting = TestDevice.hub(vertx, server.server().mqttPort(), other, "own-cert-device", key);
      assertThat(catchConnect(distrusting)).isFalse();
    } finally {
      vertx.close();
    }
  }

  private static boolean catchConnect(TestDevice d) {
    try {
      return d.connect() == MqttConnectReturnCode.CONNECTION_ACCEPTED;
    } catch (AssertionError e) {
      return false;
    }
  }
}
