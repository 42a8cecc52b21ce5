package io.flotilla.api.fuzz;

import io.flotilla.api.http.RouteSpec;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One generated request: the route it was made from, what goes on the wire, and (for the few cases sent over a raw
 * socket) how the wire form is bent.
 *
 * @param route the route-table entry the request was generated from
 * @param method the request's method (usually the route's, sometimes another)
 * @param path the request path as it goes on the request line (already percent-encoded, or deliberately not)
 * @param query the query string without {@code ?} (may be empty)
 * @param versionValid whether the query carries exactly a supported {@code api-version} first
 * @param caller the name of the caller (see {@link FuzzCases#CALLERS})
 * @param authorization the {@code Authorization} header value, or null for none
 * @param contentType the {@code content-type} header, or null for none
 * @param body the body bytes, or null for none
 * @param bodyNote how the body was made (seed and mutations), for reports
 * @param headers further headers
 * @param raw how the raw-socket form is bent, or null to send it with the HTTP client
 */
record FuzzCase(RouteSpec route, HttpMethod method, String path, String query, boolean versionValid, String caller,
                String authorization, String contentType, byte[] body, String bodyNote,
                List<Map.Entry<String, String>> headers, FuzzCases.Raw raw) {

  String uri() {
    return query.isEmpty() ? path : path + "?" + query;
  }

  boolean writes() {
    return method == HttpMethod.PUT || method == HttpMethod.PATCH || method == HttpMethod.POST
        || method == HttpMethod.DELETE;
  }

  @Override
  public String toString() {
    String shownBody = body == null ? "-" : body.length > 400
        ? new String(body, 0, 400, StandardCharsets.UTF_8) + "...(" + body.length + " bytes)"
        : new String(body, StandardCharsets.UTF_8);
    return method + " " + FuzzClient.abbreviate(uri()) + " [route " + route.method() + " " + route.path()
        + ", caller " + caller + ", content-type " + contentType + ", headers " + headers
        + (raw == null ? "" : ", raw " + raw) + ", body " + bodyNote + ": " + shownBody + "]";
  }
}
