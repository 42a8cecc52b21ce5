package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Tokens;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The error shape (D-i), api-version handling (D-a) and the operational endpoints. */
class ErrorShapeApiTest extends ServerTest {

  @Test
  void aMissingApiVersionIs404NotFoundNamingIt() {
    String base = "http://127.0.0.1:" + api.port();
    String message = assertError(api.getAbs(base + "/api/devices?maxpagesize=5"), 404, "NotFound");
    assertThat(message).contains("\"undefined\" is not a valid API version").contains("2022-07-31")
        .contains("2022-10-31-preview");
    // even before authentication
    assertError(api.as(null).getAbs(base + "/api/devices"), 404, "NotFound");
    assertError(api.sendAbs(HttpMethod.PUT, base + "/api/devices/" + Devices.newId("nover"), "{}", "application/json",
        Map.of()), 404, "NotFound");
  }

  @Test
  void anUnknownApiVersionIs404NamingTheValue() {
    for (String v : List.of("2099-01-01", "2022-07-30", "v1", "1.1-preview", "")) {
      String message = assertError(api.get("/api/roles?api-version=" + v), 404, "NotFound");
      assertThat(message).contains("\"" + (v.isEmpty() ? "" : v) + "\"").contains("2022-07-31");
    }
    assertError(api.put("/api/devices/" + Devices.newId("ver") + "?api-version=2099-01-01", "{}"), 404, "NotFound");
  }

  @Test
  void requestsTheHttpDecoderRejectsGetTheErrorShapeToo() throws Exception {
    for (String raw : List.of("GARBAGE\r\n\r\n", "GET /api/roles HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "GET /api/" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")) {
      String response = rawExchange(raw);
      String head = response.substring(0, response.indexOf("\r\n"));
      assertThat(head).as(raw.substring(0, Math.min(12, raw.length()))).matches("HTTP/1\\.[01] (400|414) .*");
      assertThat(response.toLowerCase()).contains("content-type: application/json").contains("x-ms-error-code: ");
      JsonNode error = ApiClient.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4))
          .path("error");
      assertThat(error.path("code").asText()).isIn("BadRequest", "RequestTooLarge");
      assertThat(error.path("message").asText()).isNotBlank();
      assertThat(error.path("requestId").asText()).isNotBlank();
    }
  }

  @Test
  void anUnknownHttpVersionIs505InTheErrorShapeNotABare501() throws Exception {
    for (String version : List.of("HTTP/9.9", "HTTP/2.0", "HTTP/0.9", "FOO/1.1")) {
      String response = rawExchange("GET /api/roles?api-version=2022-07-31 " + version + "\r\nHost: x\r\n\r\n");
      String head = response.substring(0, response.indexOf("\r\n"));
      assertThat(head).as(version).matches("HTTP/1\\.1 505 .*");
      assertThat(response.toLowerCase()).contains("content-type: application/json")
          .contains("x-ms-error-code: httpversionnotsupported").contains("x-ms-request-id: ");
      JsonNode error = ApiClient.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4))
          .path("error");
      assertThat(error.path("code").asText()).isEqualTo("HttpVersionNotSupported");
      assertThat(error.path("message").asText()).contains(version).contains("HTTP/1.1");
      assertThat(error.path("requestId").asText()).isNotBlank();
      ZonedDateTime.parse(error.path("time").asText(), DateTimeFormatter.RFC_1123_DATE_TIME);
    }
    // and the server goes on serving HTTP/1.0 and 1.1
    assertThat(rawExchange("GET /healthz HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 200");
    assertOk(api.get("/api/roles"));
  }

  private String rawExchange(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void everySupportedApiVersionIsServed() {
    for (String v : List.of("2022-07-31", "2022-10-31-preview", "2022-05-31", "1.0", "preview")) {
      JsonNode roles = assertOk(api.get("/api/roles?api-version=" + v));
      assertThat(roles.path("value").size()).as(v).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void everyErrorStatusHasTheDocumentedShape() {
    String template = Templates.publishTruck(api, "Errors");
    String device = Devices.createTruck(api, "err", template);
    ApiClient operator = api.as(Tokens.create(api, Tokens.OPERATOR));
    String etag = assertOk(api.get("/api/devices/" + device)).path("etag").asText();
    assertOk(api.patch("/api/devices/" + device, "{\"displayName\":\"changed\"}"));

    assertError(api.put("/api/devices/" + device, "{\"enabled\":\"yes\"}"), 400, "BadRequest");
    assertError(api.as(null).get("/api/devices"), 401, "Unauthorized");
    assertError(operator.delete(Templates.path(template)), 403, "Forbidden");
    assertError(api.get("/api/devices/" + Devices.newId("none")), 404, "NotFound");
    assertError(api.delete(Templates.path(template)), 409, "Conflict");
    assertError(api.patch("/api/devices/" + device, "{\"etag\":" + ApiClient.JSON.getNodeFactory().textNode(etag)
        + "}"), 412, "PreconditionFailed");
    assertError(api.put("/api/devices/" + device, "{\"displayName\":\"" + "x".repeat(1024 * 1024) + "\"}"),
        413, "RequestEntityTooLarge");
    assertError(api.send(HttpMethod.PATCH, "/api/devices/" + device, "{}", "text/plain"), 415,
        "UnsupportedMediaType");
  }

  @Test
  void unknownRoutesAre404InTheSameShape() {
    assertError(api.get("/api/nothing"), 404, "NotFound");
    assertError(api.get("/api/devices/a/b/c/d"), 404, "NotFound");
    assertError(api.post("/api/devices", "{}"), 404, "NotFound");
  }

  @Test
  void requestIdsAreUniqueAndTimeIsNow() {
    JsonNode a = api.get("/api/devices/" + Devices.newId("nope")).json().path("error");
    JsonNode b = api.get("/api/devices/" + Devices.newId("nope")).json().path("error");
    assertThat(a.path("requestId").asText()).isNotEqualTo(b.path("requestId").asText());
    ZonedDateTime time = ZonedDateTime.parse(a.path("time").asText(), DateTimeFormatter.RFC_1123_DATE_TIME);
    assertThat(Duration.between(time, ZonedDateTime.now()).abs()).isLessThan(Duration.ofMinutes(1));
    assertThat(a.path("time").asText()).endsWith(" GMT");
  }

  @Test
  void healthzAnswersWithoutAuthentication() {
    ApiClient.Response r = api.as(null).get("/healthz");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("status").asText()).isEqualTo("ok");
  }

  @Test
  void metricsExposeHttpServerRequestsAfterACall() {
    String device = Devices.create(api, Devices.newId("metrics"), "{}");
    assertOk(api.get("/api/devices/" + device));
    ApiClient.Response r = api.as(null).get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    assertThat(r.text()).contains("# TYPE http_server_requests_seconds")
        .containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"GET\"[^}]*route=\"/api/devices/:deviceId\""
            + "[^}]*status=\"200\"[^}]*} [1-9]");
    assertThat(r.text()).containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"PUT\"");
  }

  @Test
  void openApiDescribesEveryRoute() {
    ApiClient.Response r = api.as(null).get("/openapi.json");
    assertThat(r.status()).isEqualTo(200);
    JsonNode doc = r.json();
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    JsonNode paths = doc.path("paths");
    Map<String, List<String>> expected = Map.ofEntries(
        Map.entry("/api/apiTokens", List.of("get")),
        Map.entry("/api/apiTokens/{tokenId}", List.of("get", "put", "delete")),
        Map.entry("/api/roles", List.of("get")),
        Map.entry("/api/roles/{roleId}", List.of("get")),
        Map.entry("/api/deviceTemplates", List.of("get")),
        Map.entry("/api/deviceTemplates/{deviceTemplateId}", List.of("get", "put", "patch", "delete")),
        Map.entry("/api/devices", List.of("get")),
        Map.entry("/api/devices/{deviceId}", List.of("get", "put", "patch", "delete")),
        Map.entry("/api/devices/{deviceId}/attestation", List.of("get", "put", "patch", "delete")),
        Map.entry("/api/devices/{deviceId}/credentials", List.of("get")),
        Map.entry("/api/devices/{deviceId}/components", List.of("get")),
        Map.entry("/api/devices/{deviceId}/properties", List.of("get", "put", "patch")),
        Map.entry("/api/devices/{deviceId}/components/{componentName}/properties", List.of("get", "put", "patch")),
        Map.entry("/api/deviceGroups", List.of("get")),
        Map.entry("/api/deviceGroups/{deviceGroupId}", List.of("get", "put", "patch", "delete")),
        Map.entry("/api/deviceGroups/{deviceGroupId}/devices", List.of("get")));
    expected.forEach((path, methods) -> {
      assertThat(paths.has(path)).as(path).isTrue();
      methods.forEach(m -> assertThat(paths.path(path).path(m).path("operationId").asText()).as(m + " " + path)
          .isNotBlank());
    });
    assertThat(paths.path("/api/devices/{deviceId}/properties").path("patch").path("responses").has("202")).isTrue();
    assertThat(paths.path("/api/devices/{deviceId}").path("delete").path("responses").has("204")).isTrue();
  }
}
