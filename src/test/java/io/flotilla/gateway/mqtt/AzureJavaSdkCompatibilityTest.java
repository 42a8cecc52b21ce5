package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.auth.IotHubSasToken;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import io.flotilla.domain.device.SymmetricKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks the protocol pieces against code from the published Java device SDK (a test dependency). */
class AzureJavaSdkCompatibilityTest {

  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  final SasAuthenticator authenticator = new SasAuthenticator(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void acceptsTokensBuiltByTheJavaSdk() {
    String key = SymmetricKeys.generate();
    long expiry = NOW.getEpochSecond() + 3600;
    String token = new IotHubSasToken("127.0.0.1", "dev1", key, null, null, expiry).toString();
    ConnectUsername username = ConnectUsername.parse("127.0.0.1/dev1/?api-version=2020-09-30");

    assertThat(SasToken.parse(token).expiry()).isEqualTo(Instant.ofEpochSecond(expiry));
    assertThat(authenticator.verify(username, "dev1", token, List.of(key))).isEqualTo(SasAuthenticator.Verdict.ACCEPTED);
    assertThat(authenticator.verify(username, "dev1", token, List.of(SymmetricKeys.generate())))
        .isEqualTo(SasAuthenticator.Verdict.BAD_CREDENTIALS);
  }

  /** Every special character IoT Hub allows in a device id; the Java SDK URL-encodes most of them in {@code sr}. */
  static final String ID = "d-.%_*?!(),:=@$'+#1";

  @Test
  void acceptsJavaSdkTokensForDeviceIdsTheSdkEncodes() {
    String key = SymmetricKeys.generate();
    String token = new IotHubSasToken("127.0.0.1", ID, key, null, null, NOW.getEpochSecond() + 60).toString();
    ConnectUsername username = ConnectUsername.parse("127.0.0.1/" + ID + "/?api-version=2020-09-30");

    assertThat(SasToken.parse(token).sr()).contains("%25").contains("%3A");
    assertThat(authenticator.verify(username, ID, token, List.of(key)))
        .isEqualTo(SasAuthenticator.Verdict.ACCEPTED);
  }

  @Test
  void derivesTheSameGroupMemberKeyAsTheJavaProvisioningSdk() throws Exception {
    String groupKey = SymmetricKeys.generate();
    byte[] sdk = SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
        groupKey.getBytes(StandardCharsets.UTF_8), "sn-007-888");

    assertThat(new String(sdk, StandardCharsets.UTF_8)).isEqualTo(SymmetricKeys.derive(groupKey, "sn-007-888"));
  }
}
