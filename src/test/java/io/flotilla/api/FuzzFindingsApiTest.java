package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ServerTest;
import io.vertx.core.http.HttpMethod;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression tests of the server bugs the REST fuzzer ({@code api.fuzz.RestFuzzTest}) found: each request below got
 * a 500, an answer outside the error shape, or no answer at all.
 */
class FuzzFindingsApiTest extends ServerTest {

  /** Was: the router's own plain-text {@code 400 Bad Request} (its path normalisation threw), logged as an ERROR. */
  @Test
  void aPercentSignWithoutTwoHexDigitsIs400InTheErrorShape() {
    for (String uri : List.of("/api/devices/%zz", "/api/devices/%4", "/api/devices/a%", "/api/devices/%4/attestation",
        "/api/roles?api-version=2022-07-31&a=%zz", "/api/roles?api-version=2022-07-31&%")) {
      String message = assertError(api.send(HttpMethod.GET, uri, null, null), 400, "BadRequest");
      assertThat(message).as(uri).contains("%");
    }
  }

  /** Was: Vert.x's HTML page "Resource not found" (or a bare 405) for paths outside /api. */
  @Test
  void pathsOutsideTheApiAre404InTheErrorShape() throws Exception {
    assertError(api.get("/nothing-here"), 404, "NotFound");
    assertError(api.send(HttpMethod.POST, "/healthz", "{}", "application/json"), 404, "NotFound");
    // Dot segments that lead out of /api, sent as they are.
    Raw r = raw("GET /api/apiTokens/../../../../etc/passwd?api-version=2022-07-31 HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: " + api.token() + "\r\nConnection: close\r\n\r\n");
    r.assertError(404, "NotFound");
  }

  /** Was: the connection closed without an answer (and an answer already written but not flushed was dropped). */
  @Test
  void aChunkedBodyThatIsNotValidChunkedEncodingIs400InTheErrorShape() throws Exception {
    for (String method : List.of("PUT", "PATCH", "POST")) {
      Raw r = raw(method + " /api/devices/chunky?api-version=2022-07-31 HTTP/1.1\r\nHost: x\r\nAuthorization: "
          + api.token() + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "zz\r\n{}\r\n0\r\n\r\n");
      r.assertError(400, "BadRequest");
    }
    assertError(api.get("/api/devices/chunky"), 404, "NotFound");
    // A read whose answer may be written before the broken body is decoded: that answer, or the 400, never nothing.
    for (int i = 0; i < 20; i++) {
      Raw r = raw("GET /api/roles?api-version=2022-07-31 HTTP/1.1\r\nHost: x\r\nAuthorization: " + api.token()
          + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n0\r\n\r\n");
      assertThat(r.status).as(r.text).isIn(200, 400);
      assertThat(r.headers).containsKey("x-ms-request-id");
    }
  }

  /** Was: a 500 (the router's "the 'Host' header is required" failure was taken for an unexpected one). */
  @Test
  void anHttp11RequestWithoutHostIs400() throws Exception {
    Raw r = raw("PUT /api/apiTokens/no-host?api-version=2022-07-31 HTTP/1.1\r\nAuthorization: " + api.token()
        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    String message = r.assertError(400, "BadRequest");
    assertThat(message).contains("Host");
    assertError(api.get("/api/apiTokens/no-host"), 404, "NotFound");
  }

  /** Was: a 500 (the body handler decoded forms, which throws for a GET). Forms are refused where bodies are read. */
  @Test
  void aFormContentTypeIsIgnoredOnReadsAndRefusedOnWrites() {
    for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz")) {
      assertOk(api.send(HttpMethod.GET, "/api/roles", "a=b", type));
      assertError(api.send(HttpMethod.PUT, "/api/devices/form", "displayName=x", type), 415, "UnsupportedMediaType");
      assertError(api.send(HttpMethod.DELETE, "/api/devices/form", "a=b", type), 415, "UnsupportedMediaType");
    }
    assertError(api.get("/api/devices/form"), 404, "NotFound");
  }

  /** Was: a 500 (ArrayIndexOutOfBoundsException: {@code ";".split(";")} is empty). */
  @Test
  void aContentTypeOfOnlyParametersIs415() {
    for (String type : List.of(";", ";charset=utf-8", " ; ")) {
      assertError(api.send(HttpMethod.PUT, "/api/devices/semicolon", "{}", type), 415, "UnsupportedMediaType");
    }
    assertError(api.get("/api/devices/semicolon"), 404, "NotFound");
  }

  private Raw raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", api.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(all).as("an answer to %s", request.lines().findFirst().orElse("")).isNotEmpty();
      String head = all.substring(0, all.indexOf("\r\n\r\n"));
      Map<String, String> headers = new java.util.HashMap<>();
      head.lines().skip(1).forEach(l -> headers.put(l.substring(0, l.indexOf(':')).toLowerCase(),
          l.substring(l.indexOf(':') + 1).trim()));
      return new Raw(Integer.parseInt(head.split(" ")[1]), headers, all.substring(all.indexOf("\r\n\r\n") + 4));
    }
  }

  private record Raw(int status, Map<String, String> headers, String text) {
    String assertError(int expected, String code) throws Exception {
      assertThat(status).as(text).isEqualTo(expected);
      assertThat(headers.get("content-type")).startsWith("application/json");
      assertThat(headers.get("x-ms-error-code")).isEqualTo(code);
      JsonNode error = ApiClient.JSON.readTree(text).path("error");
      assertThat(error.path("code").asText()).isEqualTo(code);
      assertThat(error.path("requestId").asText()).isNotBlank().isEqualTo(headers.get("x-ms-request-id"));
      ZonedDateTime.parse(error.path("time").asText(), DateTimeFormatter.RFC_1123_DATE_TIME);
      return error.path("message").asText();
    }
  }
}
