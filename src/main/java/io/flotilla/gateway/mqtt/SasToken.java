package io.flotilla.gateway.mqtt;

import io.flotilla.domain.device.SymmetricKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A shared access signature as a device sends it in the CONNECT password:
 * {@code SharedAccessSignature sr=...&sig=...&se=...[&skn=...]}, fields in any order.
 *
 * <p>The SDKs disagree on whether {@code sr} is URL-encoded (Java and DPS clients: raw; Node and azure-sdk-for-c:
 * encoded) but each signs exactly the string it sends, so the signature is checked over {@link #sr()} as sent and only
 * {@link #decodedResource()} is used to tell which device the token names.
 *
 * @param sr the resource URI exactly as sent (not decoded)
 * @param sig the Base64 signature, URL-decoded
 * @param se the expiry exactly as sent (decimal seconds since the epoch)
 * @param expiry {@code se} as an instant
 * @param skn the key name, {@code null} when absent (may be empty)
 */
public record SasToken(String sr, String sig, String se, Instant expiry, String skn) {

  private static final String SCHEME = "SharedAccessSignature";

  /**
   * Reads a token.
   *
   * @throws MalformedCredentials if the scheme is not {@code SharedAccessSignature}, a field repeats, or {@code sr},
   *     {@code sig} or {@code se} is missing, empty or (for {@code se}) not a number of seconds
   */
  public static SasToken parse(String password) {
    if (password == null) {
      throw new MalformedCredentials("no SAS token");
    }
    int space = password.indexOf(' ');
    if (space < 0 || !password.substring(0, space).equals(SCHEME)) {
      throw new MalformedCredentials("not a SharedAccessSignature");
    }
    Map<String, String> fields = new HashMap<>();
    for (String field : password.substring(space + 1).split("&")) {
      int eq = field.indexOf('=');
      if (eq <= 0) {
        throw new MalformedCredentials("SAS field without a name or value");
      }
      if (fields.put(field.substring(0, eq), field.substring(eq + 1)) != null) {
        throw new MalformedCredentials("repeated SAS field " + field.substring(0, eq));
      }
    }
    String sr = required(fields, "sr");
    String sig = PercentEncoding.decode(required(fields, "sig"));
    String se = required(fields, "se");
    return new SasToken(sr, sig, se, expiryOf(se), fields.get("skn"));
  }

  /**
   * Creates a token for {@code resourceUri} signed with {@code keyBase64}. With {@code encodeResource} the {@code sr} is
   * percent-encoded as a whole like Node's {@code encodeURIComponent}; without, it is sent raw like the Java SDK.
   */
  public static String create(String resourceUri, String keyBase64, Instant expiry, boolean encodeResource) {
    String sr = encodeResource ? PercentEncoding.encode(resourceUri) : resourceUri;
    String se = Long.toString(expiry.getEpochSecond());
    String sig = SymmetricKeys.sign(keyBase64, sr + "\n" + se);
    return SCHEME + " sr=" + sr + "&sig=" + PercentEncoding.encode(sig) + "&se=" + se;
  }

  /** The resource URI, URL-decoded once, e.g. {@code 127.0.0.1:18883/devices/dev1}. */
  public String decodedResource() {
    return PercentEncoding.decode(sr);
  }

  /**
   * Whether {@code keyBase64} made this signature: HMAC-SHA256 over {@code sr + "\n" + se} as sent, compared in
   * constant time. A key that is not valid Base64 never matches.
   */
  public boolean signatureMatches(String keyBase64) {
    String expected;
    try {
      expected = SymmetricKeys.sign(keyBase64, sr + "\n" + se);
    } catch (IllegalArgumentException badKey) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the token is no longer valid at {@code now} (valid while {@code se > now}). */
  public boolean expiredAt(Instant now) {
    return !expiry.isAfter(now);
  }

  private static String required(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null || value.isEmpty()) {
      throw new MalformedCredentials("SAS token without " + name);
    }
    return value;
  }

  private static Instant expiryOf(String se) {
    try {
      long seconds = Long.parseLong(se);
      if (seconds < 0) {
        throw new MalformedCredentials("negative SAS expiry");
      }
      return Instant.ofEpochSecond(seconds);
    } catch (NumberFormatException | DateTimeException e) {
      throw new MalformedCredentials("SAS expiry is not a number of seconds");
    }
  }
}
