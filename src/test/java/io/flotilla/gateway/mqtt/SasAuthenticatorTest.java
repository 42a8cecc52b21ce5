package io.flotilla.gateway.mqtt;

import static io.flotilla.gateway.mqtt.SasAuthenticator.Verdict.ACCEPTED;
import static io.flotilla.gateway.mqtt.SasAuthenticator.Verdict.BAD_CREDENTIALS;
import static io.flotilla.gateway.mqtt.SasAuthenticator.Verdict.EXPIRED;
import static io.flotilla.gateway.mqtt.SasAuthenticator.Verdict.MALFORMED;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.device.SymmetricKeys;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SasAuthenticatorTest {

  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  static final Instant LATER = NOW.plusSeconds(3600);
  static final String PRIMARY = SymmetricKeys.generate();
  static final String SECONDARY = SymmetricKeys.generate();
  static final List<String> KEYS = List.of(PRIMARY, SECONDARY);

  final SasAuthenticator authenticator = new SasAuthenticator(Clock.fixed(NOW, ZoneOffset.UTC));
  final ConnectUsername javaHub = ConnectUsername.parse(ConnectUsernameTest.JAVA_HUB);
  final ConnectUsername nodeHub = ConnectUsername.parse(ConnectUsernameTest.NODE_HUB);
  final ConnectUsername javaDps = ConnectUsername.parse(ConnectUsernameTest.JAVA_DPS);

  @Test
  void acceptsJavaStyleHubTokensSignedWithEitherKey() {
    String primary = SasTokenTest.javaStyle("127.0.0.1/devices/dev1", PRIMARY, LATER.getEpochSecond());
    String secondary = SasTokenTest.javaStyle("127.0.0.1/devices/dev1", SECONDARY, LATER.getEpochSecond());

    assertThat(authenticator.verify(javaHub, "dev1", primary, KEYS)).isEqualTo(ACCEPTED);
    assertThat(authenticator.verify(javaHub, "dev1", secondary, KEYS)).isEqualTo(ACCEPTED);
  }

  @Test
  void acceptsNodeStyleHubTokensWithEncodedResourceAndPort() {
    String token = SasTokenTest.nodeStyle("127.0.0.1:18883/devices/dev1", PRIMARY, LATER.getEpochSecond());

    assertThat(authenticator.verify(nodeHub, "dev1", token, KEYS)).isEqualTo(ACCEPTED);
    assertThat(authenticator.verify(nodeHub, "dev1", SasToken.create("127.0.0.1:18883/devices/dev1", SECONDARY, LATER,
        true), KEYS)).isEqualTo(ACCEPTED);
  }

  @Test
  void rejectsATamperedSignature() {
    long se = LATER.getEpochSecond();
    String sig = SymmetricKeys.sign(PRIMARY, "127.0.0.1/devices/dev1\n" + se);
    String tamperedSig = sig.substring(0, 3) + (sig.charAt(3) == 'x' ? 'y' : 'x') + sig.substring(4);
    String token = "SharedAccessSignature sig=" + PercentEncoding.encode(tamperedSig) + "&se=" + se
        + "&sr=127.0.0.1/devices/dev1";

    assertThat(authenticator.verify(javaHub, "dev1", token, KEYS)).isEqualTo(BAD_CREDENTIALS);
    assertThat(authenticator.verify(javaHub, "dev1", token.replace(PercentEncoding.encode(tamperedSig),
        PercentEncoding.encode(sig)), KEYS)).isEqualTo(ACCEPTED);
  }

  @Test
  void rejectsATokenSignedWithAnotherKey() {
    String token = SasTokenTest.javaStyle("127.0.0.1/devices/dev1", SymmetricKeys.generate(), LATER.getEpochSecond());

    assertThat(authenticator.verify(javaHub, "dev1", token, KEYS)).isEqualTo(BAD_CREDENTIALS);
  }

  @Test
  void rejectsAnUnknownDevice() {
    String token = SasTokenTest.javaStyle("127.0.0.1/devices/dev1", PRIMARY, LATER.getEpochSecond());

    assertThat(authenticator.verify(javaHub, "dev1", token, List.of())).isEqualTo(BAD_CREDENTIALS);
  }

  @Test
  void rejectsAnExpiredToken() {
    String token = SasToken.create("127.0.0.1/devices/dev1", PRIMARY, NOW, false);
    String old = SasToken.create("127.0.0.1/devices/dev1", PRIMARY, NOW.minusSeconds(1), false);

    assertThat(authenticator.verify(javaHub, "dev1", token, KEYS)).isEqualTo(EXPIRED);
    assertThat(authenticator.verify(javaHub, "dev1", old, KEYS)).isEqualTo(EXPIRED);
  }

  @Test
  void rejectsATokenForAnotherDeviceEvenWithAValidSignature() {
    String token = SasToken.create("127.0.0.1/devices/dev2", PRIMARY, LATER, false);

    assertThat(authenticator.verify(javaHub, "dev1", token, KEYS)).isEqualTo(BAD_CREDENTIALS);
  }

  @Test
  void rejectsAHubTokenSignedByANamedPolicy() {
    String token = SasToken.create("127.0.0.1/devices/dev1", PRIMARY, LATER, false) + "&skn=iothubowner";

    assertThat(authenticator.verify(javaHub, "dev1", token, KEYS)).isEqualTo(BAD_CREDENTIALS);
  }

  @Test
  void reportsAClientIdThatDiffersFromTheUsernameAsMalformed() {
    String token = SasToken.create("127.0.0.1/devices/dev1", PRIMARY, LATER, false);

    assertThat(authenticator.verify(javaHub, "dev2", token, KEYS)).isEqualTo(MALFORMED);
    assertThat(authenticator.verify(javaHub, "dev1/mod1", token, KEYS)).isEqualTo(MALFORMED);
  }

  @Test
  void reportsAPasswordThatIsNotASasTokenAsMalformedAndNoPasswordAsBadCredentials() {
    assertThat(authenticator.verify(javaHub, "dev1", "secret", KEYS)).isEqualTo(MALFORMED);
    assertThat(authenticator.verify(javaHub, "dev1", null, KEYS)).isEqualTo(BAD_CREDENTIALS);
    assertThat(authenticator.verify(javaHub, "dev1", "", KEYS)).isEqualTo(BAD_CREDENTIALS);
  }

  @Test
  void acceptsDpsTokensWithKeyNameAbsentEmptyOrRegistration() {
    String derived = SymmetricKeys.derive(SymmetricKeys.generate(), "dev1");
    String token = SasToken.create("0ne00000000/registrations/dev1", derived, LATER, false);
    String nodeOrder = "SharedAccessSignature sr=0ne00000000/registrations/dev1&sig="
        + PercentEncoding.encode(SymmetricKeys.sign(derived, "0ne00000000/registrations/dev1\n" + LATER.getEpochSecond()))
        + "&skn=registration&se=" + LATER.getEpochSecond();

    assertThat(authenticator.verify(javaDps, "dev1", token, List.of(derived))).isEqualTo(ACCEPTED);
    assertThat(authenticator.verify(javaDps, "dev1", token + "&skn=", List.of(derived))).isEqualTo(ACCEPTED);
    assertThat(authenticator.verify(javaDps, "dev1", nodeOrder, List.of(derived))).isEqualTo(ACCEPTED);
    assertThat(authenticator.verify(javaDps, "dev1", token + "&skn=iothubowner", List.of(derived)))
        .isEqualTo(BAD_CREDENTIALS);
  }

  @Test
  void rejectsDpsTokensForAnotherRegistrationOrScope() {
    String key = SymmetricKeys.generate();
    String otherRegistration = SasToken.create("0ne00000000/registrations/dev2", key, LATER, false);
    String otherScope = SasToken.create("0ne00000001/registrations/dev1", key, LATER, false);
    String hubResource = SasToken.create("127.0.0.1/devices/dev1", key, LATER, false);

    assertThat(authenticator.verify(javaDps, "dev1", otherRegistration, List.of(key))).isEqualTo(BAD_CREDENTIALS);
    assertThat(authenticator.verify(javaDps, "dev1", otherScope, List.of(key))).isEqualTo(BAD_CREDENTIALS);
    assertThat(authenticator.verify(javaDps, "dev1", hubResource, List.of(key))).isEqualTo(BAD_CREDENTIALS);
  }
}
