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

  public static String encode(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("k:" + key).getBytes(StandardCharsets.UTF_8));
  }

  public static String decode(String token) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!s.startsWith("k:")) {
        throw new IllegalArgumentException();
      }
      return s.substring(2);
    } catch (IllegalArgumentException e) {
      throw new FlotillaException.Invalid("Invalid $skiptoken: use the nextLink of a previous page as it is.");
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
