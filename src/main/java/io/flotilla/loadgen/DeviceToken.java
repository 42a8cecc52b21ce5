package io.flotilla.loadgen;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a device puts in its MQTT CONNECT: the SAS token (device-protocol.md §1.3, Java SDK form: {@code sr} raw,
 * {@code sig} URL-encoded) and the user name (§1.2). The load generator's own copy: it must not share server code.
 */
public final class DeviceToken {
  public static final String API_VERSION = "2021-04-12";

  private DeviceToken() {
  }

  /** {@code {host}/devices/{deviceId}}. */
  public static String resourceUri(String host, String deviceId) {
    return host + "/devices/" + deviceId;
  }

  /** {@code SharedAccessSignature sr={host}/devices/{id}&sig={url-encoded signature}&se={expiry}}. */
  public static String sas(String host, String deviceId, String keyBase64, long expiryEpochSeconds) {
    String sr = resourceUri(host, deviceId);
    String se = Long.toString(expiryEpochSeconds);
    String sig = sign(keyBase64, sr + "\n" + se);
    return "SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8) + "&se=" + se;
  }

  /** {@code {host}/{deviceId}/?api-version=2021-04-12}. */
  public static String username(String host, String deviceId) {
    return host + "/" + deviceId + "/?api-version=" + API_VERSION;
  }

  /** Base64(HMAC-SHA256(Base64Decode(key), message)). */
  static String sign(String keyBase64, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(keyBase64), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
