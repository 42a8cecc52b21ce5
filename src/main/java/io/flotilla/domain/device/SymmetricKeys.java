package io.flotilla.domain.device;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device symmetric keys as IoT Hub and DPS use them: 32 random bytes in Base64, and the HMAC-SHA256 signatures made
 * with them (SAS tokens, group-key derivation).
 */
public final class SymmetricKeys {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int KEY_BYTES = 32;

  private SymmetricKeys() {
  }

  /** A new random key: Base64 of 32 random bytes. */
  public static String generate() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /**
   * The device key of an enrollment group member (DPS group SAS enrollment):
   * Base64(HMAC-SHA256(key = Base64Decode(groupKey), message = UTF-8(registrationId))).
   *
   * @throws IllegalArgumentException if the group key is not Base64
   */
  public static String derive(String groupKeyBase64, String registrationId) {
    return sign(groupKeyBase64, registrationId);
  }

  /**
   * Base64(HMAC-SHA256(key = Base64Decode(keyBase64), message = UTF-8(message))).
   *
   * @throws IllegalArgumentException if the key is not Base64 or is empty
   */
  public static String sign(String keyBase64, String message) {
    byte[] key = Base64.getDecoder().decode(keyBase64);
    if (key.length == 0) {
      throw new IllegalArgumentException("empty key");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
