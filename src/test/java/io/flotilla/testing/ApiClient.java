package io.flotilla.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;

/** A blocking REST client over the Vert.x web client, for tests. Adds {@code api-version=2022-07-31} unless given. */
public final class ApiClient implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String VERSION = "2022-07-31";

  private final Vertx vertx;
  private final WebClient client;
  private final int port;
  private final String host;
  private final String token;
  private final boolean owner;

  public ApiClient(int port, String token) {
    this("127.0.0.1", port, token);
  }

  /** A client of the server listening on {@code host:port}. */
  public ApiClient(String host, int port, String token) {
    this.vertx = Vertx.vertx();
    this.port = port;
    this.host = host;
    this.token = token;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost(host).setDefaultPort(port));
    this.owner = true;
  }

  private ApiClient(ApiClient base, String token) {
    this.vertx = base.vertx;
    this.client = base.client;
    this.port = base.port;
    this.host = base.host;
    this.token = token;
    this.owner = false;
  }

  public String token() {
    return token;
  }

  public int port() {
    return port;
  }

  /** The same server with another token (null for none). */
  public ApiClient as(String otherToken) {
    return new ApiClient(this, otherToken);
  }

  public Response get(String path) {
    return send(HttpMethod.GET, path, null, null);
  }

  public Response delete(String path) {
    return send(HttpMethod.DELETE, path, null, null);
  }

  public Response put(String path, String json) {
    return send(HttpMethod.PUT, path, json, "application/json");
  }

  public Response patch(String path, String json) {
    return send(HttpMethod.PATCH, path, json, "application/merge-patch+json");
  }

  public Response post(String path, String json) {
    return send(HttpMethod.POST, path, json, json == null ? null : "application/json");
  }

  public Response send(HttpMethod method, String path, String body, String contentType) {
    return send(method, path, body, contentType, Map.of());
  }

  public Response send(HttpMethod method, String path, String body, String contentType, Map<String, String> headers) {
    String uri = path.contains("api-version=") || !path.startsWith("/api/")
        ? path : path + (path.contains("?") ? "&" : "?") + "api-version=" + VERSION;
    return sendAbs(method, "http://" + host + ":" + port + uri, body, contentType, headers);
  }

  /** GET of an absolute URL as given (e.g. a {@code nextLink}), without adding {@code api-version}. */
  public Response getAbs(String url) {
    return sendAbs(HttpMethod.GET, url, null, null, Map.of());
  }

  /** Sends to an absolute URL as given. */
  public Response sendAbs(HttpMethod method, String url, String body, String contentType, Map<String, String> headers) {
    HttpRequest<Buffer> req = client.requestAbs(method, url);
    req.timeout(30_000);
    if (token != null) {
      req.putHeader("Authorization", token);
    }
    if (contentType != null) {
      req.putHeader("content-type", contentType);
    }
    headers.forEach(req::putHeader);
    var future = body == null ? req.send() : req.sendBuffer(Buffer.buffer(body));
    HttpResponse<Buffer> r = future.toCompletionStage().toCompletableFuture().join();
    return new Response(r.statusCode(), r.headers().get("x-ms-error-code"), r.headers().get("content-type"),
        r.bodyAsString(), r.headers().get("x-ms-request-id"));
  }

  /** An answer: status, error-code header, body and the request id the server gave it. */
  public record Response(int status, String errorCodeHeader, String contentType, String text, String requestId) {
    public JsonNode json() {
      try {
        return text == null || text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
      } catch (Exception e) {
        throw new AssertionError("Not JSON: " + text, e);
      }
    }

    public String errorCode() {
      return json().path("error").path("code").asText(null);
    }

    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  @Override
  public void close() {
    if (owner) {
      client.close();
      vertx.close();
    }
  }
}
