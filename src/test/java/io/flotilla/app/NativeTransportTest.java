package io.flotilla.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flotilla.testing.TestServer;
import org.junit.jupiter.api.Test;

class NativeTransportTest {

  @Test
  void onLinuxX8664TheServerRunsOnTheEpollTransport() {
    assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "Linux only");
    assumeTrue(System.getProperty("os.arch").matches("amd64|x86_64"), "x86-64 only (the packaged native library)");
    try (TestServer server = TestServer.start()) {
      assertThat(server.server().nativeTransport()).isTrue();
      assertThat(server.api().get("/api/devices?api-version=2022-07-31").status()).isEqualTo(200);
    }
  }
}
