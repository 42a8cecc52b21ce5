package io.flotilla.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeviceTokenTest {
  /** Bytes 0..31. */
  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @Test
  void signsTheRawResourceUriAndExpiryWithTheDecodedKey() {
    // printf '127.0.0.1/devices/dev1\n1700000000' | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102..1f -binary | base64
    assertThat(DeviceToken.sign(KEY, "127.0.0.1/devices/dev1\n1700000000"))
        .isEqualTo("L1TFQSVdirCewP82XkQG3kNZlnhfJem2d/vYokdDLLY=");
  }

  @Test
  void tokenHasTheDocumentedFieldsWithTheSignatureUrlEncoded() {
    assertThat(DeviceToken.sas("127.0.0.1", "dev1", KEY, 1_700_000_000L)).isEqualTo(
        "SharedAccessSignature sr=127.0.0.1/devices/dev1&sig=L1TFQSVdirCewP82XkQG3kNZlnhfJem2d%2FvYokdDLLY%3D"
            + "&se=1700000000");
  }

  @Test
  void anotherDeviceGetsAnotherSignature() {
    assertThat(DeviceToken.sas("127.0.0.1", "dev2", KEY, 1_700_000_000L))
        .contains("sr=127.0.0.1/devices/dev2&")
        .contains("sig=hSuZ5FRMvCBB43bhVoTIDkZDvqTce2pgfrEV5yVeeB4%3D&");
  }

  @Test
  void usernameNamesHostDeviceAndApiVersion() {
    assertThat(DeviceToken.username("127.0.0.1", "lg-live-000001"))
        .isEqualTo("127.0.0.1/lg-live-000001/?api-version=2021-04-12");
    assertThat(DeviceToken.resourceUri("hub.example", "d")).isEqualTo("hub.example/devices/d");
  }
}
