package io.flotilla.api.http;

import io.flotilla.domain.common.FlotillaException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque {@code $skiptoken}s over keyset keys, and {@code maxpagesize} rules (decision D-j). */
public final class Paging {
  public static final int MAX_PAGE_SIZE = 100;

  private Paging() {
  }

  /** The key, then a short SHA-256 check of it, in unpadded base64url. */
  public static String encode(String key) {
    byte[] payload = ("k:" + key).getBytes(StandardCharsets.UTF_8);
    byte[] check = check(payload);
    byte[] all = java.util.Arrays.copyOf(payload, payload.length + check.length);
    System.arraycopy(check, 0, all, payload.length, check.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(all);
  }

  /** The key of a token made by {@link #encode}; any altered token (check or canonical form broken) is a 400. */
  public static String decode(String token) {
    try {
      byte[] all = Base64.getUrlDecoder().decode(token);
      if (all.length > CHECK_BYTES) {
        byte[] payload = java.util.Arrays.copyOf(all, all.length - CHECK_BYTES);
        String s = new String(payload, StandardCharsets.UTF_8);
        if (s.startsWith("k:") && encode(s.substring(2)).equals(token)) {
          return s.substring(2);
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new FlotillaException.Invalid("Invalid $skiptoken: use the nextLink of a previous page as it is.");
  }

  private static final int CHECK_BYTES = 6;

  private static byte[] check(byte[] payload) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(payload);
      return java.util.Arrays.copyOf(digest, CHECK_BYTES);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static int pageSize(String maxpagesize, int defaultSize) {
    if (maxpagesize == null) {
      return defaultSize;
    }
    try {
      int n = Integer.parseInt(maxpagesize);
      if (n >= 1 && n <= MAX_PAGE_SIZE) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw new FlotillaException.Invalid("Invalid maxpagesize \"" + maxpagesize + "\": expected an integer from 1 to "
        + MAX_PAGE_SIZE + ".");
  }

  /** The absolute URL of the next page: the original query with {@code $skiptoken} replaced. */
  public static String nextLink(String absoluteUriWithoutQuery, String rawQuery, String nextKey) {
    StringBuilder q = new StringBuilder();
    if (rawQuery != null) {
      for (String part : rawQuery.split("&")) {
        if (part.isEmpty() || part.startsWith("$skiptoken=") || part.startsWith("%24skiptoken=")) {
          continue;
        }
        q.append(q.length() == 0 ? "" : "&").append(part);
      }
    }
    q.append(q.length() == 0 ? "" : "&").append("$skiptoken=")
        .append(URLEncoder.encode(encode(nextKey), StandardCharsets.UTF_8));
    return absoluteUriWithoutQuery + "?" + q;
  }
}
