package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.device.SymmetricKeys;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SasTokenTest {

  static final String KEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY=";
  static final String OTHER_KEY = "enl4d3Z1dHNycXBvbm1sa2ppaGdmZWRjYmE2NTQzMjE=";

  /** The Java SDK shape: raw sr last, signed over the raw string. */
  static String javaStyle(String sr, String key, long se) {
    String sig = SymmetricKeys.sign(key, sr + "\n" + se);
    return "SharedAccessSignature sig=" + PercentEncoding.encode(sig) + "&se=" + se + "&sr=" + sr;
  }

  /** The Node SDK shape: encodeURIComponent(sr) first, signed over the encoded string. */
  static String nodeStyle(String resource, String key, long se) {
    String sr = PercentEncoding.encode(resource);
    String sig = SymmetricKeys.sign(key, sr + "\n" + se);
    return "SharedAccessSignature sr=" + sr + "&sig=" + PercentEncoding.encode(sig) + "&se=" + se;
  }

  @Test
  void readsAJavaStyleTokenWithRawResource() {
    SasToken token = SasToken.parse(javaStyle("127.0.0.1/devices/dev1", KEY, 1795721676L));

    assertThat(token.sr()).isEqualTo("127.0.0.1/devices/dev1");
    assertThat(token.decodedResource()).isEqualTo("127.0.0.1/devices/dev1");
    assertThat(token.se()).isEqualTo("1795721676");
    assertThat(token.expiry()).isEqualTo(Instant.ofEpochSecond(1795721676L));
    assertThat(token.skn()).isNull();
    assertThat(token.sig()).isEqualTo(SymmetricKeys.sign(KEY, "127.0.0.1/devices/dev1\n1795721676"));
    assertThat(token.signatureMatches(KEY)).isTrue();
  }

  @Test
  void readsANodeStyleTokenAndChecksTheSignatureOverTheEncodedResource() {
    SasToken token = SasToken.parse(nodeStyle("127.0.0.1:18883/devices/dev1", KEY, 1795721843L));

    assertThat(token.sr()).isEqualTo("127.0.0.1%3A18883%2Fdevices%2Fdev1");
    assertThat(token.decodedResource()).isEqualTo("127.0.0.1:18883/devices/dev1");
    assertThat(token.signatureMatches(KEY)).isTrue();
  }

  @Test
  void aSignatureOverTheDecodedResourceDoesNotMatchAnEncodedOne() {
    String se = "1795721843";
    String sigOverDecoded = SymmetricKeys.sign(KEY, "127.0.0.1:18883/devices/dev1\n" + se);
    SasToken token = SasToken.parse("SharedAccessSignature sr=127.0.0.1%3A18883%2Fdevices%2Fdev1&sig="
        + PercentEncoding.encode(sigOverDecoded) + "&se=" + se);

    assertThat(token.signatureMatches(KEY)).isFalse();
  }

  @Test
  void rejectsOtherKeysTamperedSignaturesAndKeysThatAreNotBase64() {
    String good = javaStyle("127.0.0.1/devices/dev1", KEY, 1795721676L);
    SasToken token = SasToken.parse(good);
    String sig = token.sig();
    char flipped = sig.charAt(0) == 'A' ? 'B' : 'A';
    SasToken tampered = SasToken.parse("SharedAccessSignature sig=" + PercentEncoding.encode(flipped + sig.substring(1))
        + "&se=1795721676&sr=127.0.0.1/devices/dev1");
    SasToken laterExpiry = SasToken.parse(good.replace("se=1795721676", "se=1795721677"));

    assertThat(token.signatureMatches(OTHER_KEY)).isFalse();
    assertThat(token.signatureMatches("%%%")).isFalse();
    assertThat(tampered.signatureMatches(KEY)).isFalse();
    assertThat(laterExpiry.signatureMatches(KEY)).isFalse();
  }

  @Test
  void acceptsASignatureSentWithoutUrlEncoding() {
    long se = 1795721676L;
    String sig;
    do {
      sig = SymmetricKeys.sign(KEY, "h/devices/d\n" + ++se);
    } while (!sig.contains("+"));
    SasToken token = SasToken.parse("SharedAccessSignature sr=h/devices/d&sig=" + sig + "&se=" + se);

    assertThat(token.sig()).isEqualTo(sig);
    assertThat(token.signatureMatches(KEY)).isTrue();
  }

  @Test
  void keepsAnEmptyOrNamedKeyName() {
    assertThat(SasToken.parse("SharedAccessSignature sr=a&sig=b&se=1&skn=").skn()).isEmpty();
    assertThat(SasToken.parse("SharedAccessSignature sr=a&sig=b&skn=registration&se=1").skn()).isEqualTo("registration");
  }

  @Test
  void expiresWhenExpiryIsReached() {
    SasToken token = SasToken.parse("SharedAccessSignature sr=a&sig=b&se=1000");

    assertThat(token.expiredAt(Instant.ofEpochSecond(999))).isFalse();
    assertThat(token.expiredAt(Instant.ofEpochSecond(1000))).isTrue();
    assertThat(token.expiredAt(Instant.ofEpochSecond(1001))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "sr=a&sig=b&se=1", "SharedAccessSignaturesr=a&sig=b&se=1", "Bearer sr=a&sig=b&se=1",
      "SharedAccessSignature sig=b&se=1", "SharedAccessSignature sr=a&se=1", "SharedAccessSignature sr=a&sig=b",
      "SharedAccessSignature sr=&sig=b&se=1", "SharedAccessSignature sr=a&sig=b&se=soon",
      "SharedAccessSignature sr=a&sig=b&se=-5", "SharedAccessSignature sr=a&sig=b&se=1&sr=c",
      "SharedAccessSignature sr=a&sig=b&se=1&junk", "SharedAccessSignature sr=a&sig=b&se=99999999999999999999"})
  void rejectsMalformedTokens(String password) {
    assertThatThrownBy(() -> SasToken.parse(password)).isInstanceOf(MalformedCredentials.class);
  }

  @Test
  void rejectsAMissingPassword() {
    assertThatThrownBy(() -> SasToken.parse(null)).isInstanceOf(MalformedCredentials.class);
  }

  @Test
  void createsJavaAndNodeStyleTokensThatVerify() {
    Instant expiry = Instant.ofEpochSecond(1795721676L);
    String raw = SasToken.create("127.0.0.1/devices/dev1", KEY, expiry, false);
    String encoded = SasToken.create("127.0.0.1:18883/devices/dev1", KEY, expiry, true);

    assertThat(raw).startsWith("SharedAccessSignature sr=127.0.0.1/devices/dev1&sig=").endsWith("&se=1795721676");
    assertThat(SasToken.parse(raw).signatureMatches(KEY)).isTrue();
    assertThat(encoded).startsWith("SharedAccessSignature sr=127.0.0.1%3A18883%2Fdevices%2Fdev1&sig=");
    assertThat(SasToken.parse(encoded).signatureMatches(KEY)).isTrue();
    assertThat(SasToken.parse(encoded).expiry()).isEqualTo(expiry);
  }
}
