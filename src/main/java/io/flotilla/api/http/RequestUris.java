package io.flotilla.api.http;

/** Checks of the request URI the router relies on before it can match a route. */
final class RequestUris {
  private RequestUris() {
  }

  /**
   * Whether every {@code %} in {@code raw} (a path or query as received, null for none) starts a {@code %XX}
   * escape with two hexadecimal digits. The router's path normalisation and the query decoder throw on anything
   * else, so such a request is answered 400 before it is routed.
   */
  static boolean validPercentEncoding(String raw) {
    if (raw == null) {
      return true;
    }
    for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
      if (i + 2 >= raw.length() || !hex(raw.charAt(i + 1)) || !hex(raw.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
