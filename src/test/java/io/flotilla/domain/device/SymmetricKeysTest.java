package io.flotilla.domain.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SymmetricKeysTest {

  @Test
  void derivesTheDocumentedDpsGroupKeyVector() {
    String groupKey = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";

    assertThat(SymmetricKeys.derive(groupKey, "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6"))
        .isEqualTo("Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=");
  }

  @Test
  void derivedKeysDifferPerRegistrationId() {
    String groupKey = SymmetricKeys.generate();

    assertThat(SymmetricKeys.derive(groupKey, "dev1")).isNotEqualTo(SymmetricKeys.derive(groupKey, "dev2"));
  }

  @Test
  void generatesDistinct32ByteBase64Keys() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      String key = SymmetricKeys.generate();
      assertThat(Base64.getDecoder().decode(key)).hasSize(32);
      keys.add(key);
    }
    assertThat(keys).hasSize(20);
  }

  @Test
  void rejectsKeysThatAreNotBase64() {
    assertThatThrownBy(() -> SymmetricKeys.sign("not base64!", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SymmetricKeys.sign("", "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
