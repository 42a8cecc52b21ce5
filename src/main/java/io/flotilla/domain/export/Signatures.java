package io.flotilla.domain.export;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code x-flotilla-signature} of an exported message: the lowercase hex HMAC-SHA256 of the request body (its
 * UTF-8 bytes, exactly as sent), keyed by the UTF-8 bytes of the destination's {@code signingSecret}.
 */
public final class Signatures {
  public static final String HEADER = "x-flotilla-signature";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signatures() {
  }

  public static String sign(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new secret: 32 random bytes, Base64 (URL alphabet, no padding). */
  public static String newSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
