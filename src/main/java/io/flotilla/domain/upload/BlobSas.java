package io.flotilla.domain.upload;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.device.SymmetricKeys;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * The SAS token of an upload URI, shaped like an Azure Storage service SAS ({@code ?sv=…&sr=b&sp=cw&se=…&sig=…}) plus
 * Flotilla's {@code cid} (the upload's correlation id): write access to exactly one blob until {@code se}, signed with
 * HMAC-SHA256 by the configuration's signing key over the container, blob name, expiry and correlation id.
 */
public final class BlobSas {
  static final String VERSION = "2021-08-06";
  private static final String PERMISSIONS = "cw";

  private BlobSas() {
  }

  /** The query string, with its leading {@code ?}, granting write access to {@code container/blobName}. */
  public static String token(String keyBase64, String container, String blobName, Instant expiry,
                             String correlationId) {
    String se = expiry.truncatedTo(ChronoUnit.SECONDS).toString();
    String sig = SymmetricKeys.sign(keyBase64, toSign(container, blobName, se, correlationId));
    return "?sv=" + VERSION + "&sr=b&sp=" + PERMISSIONS + "&se=" + encode(se) + "&cid=" + encode(correlationId)
        + "&sig=" + encode(sig);
  }

  /**
   * Checks {@code query} (the raw query string of an upload) against {@code container/blobName} and returns its
   * correlation id. Fails with {@code Forbidden} for a missing or wrong field or signature, or an expired token.
   */
  public static String verify(String keyBase64, String container, String blobName, String query, Instant now) {
    Map<String, String> fields = fields(query);
    String se = fields.get("se");
    String cid = fields.get("cid");
    String sig = fields.get("sig");
    if (se == null || cid == null || sig == null || !"b".equals(fields.get("sr"))
        || !PERMISSIONS.equals(fields.get("sp"))) {
      throw denied("The upload URI's SAS token is missing sr=b, sp, se, cid or sig.");
    }
    String expected = SymmetricKeys.sign(keyBase64, toSign(container, blobName, se, cid));
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sig.getBytes(StandardCharsets.UTF_8))) {
      throw denied("The SAS token's signature does not match this blob.");
    }
    Instant expiry;
    try {
      expiry = Instant.parse(se);
    } catch (DateTimeParseException e) {
      throw denied("The SAS token's se is not an ISO 8601 instant.");
    }
    if (!expiry.isAfter(now)) {
      throw denied("The SAS token expired at " + se + ".");
    }
    return cid;
  }

  private static String toSign(String container, String blobName, String se, String correlationId) {
    return "flotilla-blob\n" + container + "/" + blobName + "\n" + PERMISSIONS + "\n" + se + "\n" + correlationId;
  }

  private static Map<String, String> fields(String query) {
    Map<String, String> fields = new HashMap<>();
    if (query == null) {
      return fields;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        try {
          fields.putIfAbsent(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
          throw denied("The SAS token is not URL-encoded properly.");
        }
      }
    }
    return fields;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static FlotillaException.Forbidden denied(String message) {
    return new FlotillaException.Forbidden(message);
  }
}
