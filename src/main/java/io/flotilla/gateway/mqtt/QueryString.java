package io.flotilla.gateway.mqtt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code k=v&k=v} as used after {@code /?} in topics and usernames and in property bags: split on {@code &}, each pair on
 * its first {@code =}. A key without {@code =} gets a {@code null} value; empty pairs are skipped; a repeated key keeps
 * its last value. Insertion order is preserved.
 */
final class QueryString {

  private QueryString() {
  }

  /** Keys and values exactly as sent. */
  static Map<String, String> raw(String query) {
    return parse(query, false);
  }

  /** Keys and values percent-decoded. */
  static Map<String, String> decoded(String query) {
    return parse(query, true);
  }

  private static Map<String, String> parse(String query, boolean decode) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? null : pair.substring(eq + 1);
      result.put(decode ? PercentEncoding.decode(key) : key,
          value == null ? null : decode ? PercentEncoding.decode(value) : value);
    }
    return Collections.unmodifiableMap(result);
  }
}
