package io.flotilla.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;

/** The server's REST API as the load generator uses it: JSON in and out, admin token, one api-version. */
public final class FlotillaApi implements AutoCloseable {
  public static final String API_VERSION = "2022-07-31";

  /** A non-2xx answer. */
  public static final class ApiError extends RuntimeException {
    private final int status;

    ApiError(HttpMethod method, String path, int status, String body) {
      super(method + " " + path + " -> " + status + " " + (body == null ? "" : body));
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final WebClient client;
  private final String authorization;
  private final String host;
  private final int port;

  public FlotillaApi(Vertx vertx, URI base, String authorization, int poolSize) {
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    this.authorization = authorization;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost(host).setDefaultPort(port)
        .setPipelining(false).setKeepAlive(true)
        .setUserAgent("flotilla-loadgen"), new PoolOptions().setHttp1MaxSize(poolSize));
  }

  public Future<JsonObject> get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  public Future<JsonObject> put(String path, JsonObject body) {
    return send(HttpMethod.PUT, path, body);
  }

  /** POST of a JSON body ({@code path} may carry its own {@code api-version}). */
  public Future<JsonObject> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body);
  }

  /** GET on an absolute URL as given in a {@code nextLink}. */
  public Future<JsonObject> getAbsolute(String url) {
    URI uri = URI.create(url);
    String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return send(HttpMethod.GET, pathAndQuery, null);
  }

  /** A text resource of the API, e.g. {@code /api/jobs/{id}/devices?format=csv}. */
  public Future<String> getText(String path) {
    String uri = path + (path.contains("?") ? "&" : "?") + "api-version=" + API_VERSION;
    return client.request(HttpMethod.GET, port, host, uri).putHeader("Authorization", authorization).send()
        .compose(r -> r.statusCode() / 100 != 2
            ? Future.failedFuture(new ApiError(HttpMethod.GET, path, r.statusCode(), r.bodyAsString()))
            : Future.succeededFuture(r.bodyAsString() == null ? "" : r.bodyAsString()));
  }

  /** {@code /metrics} as Prometheus text. */
  public Future<String> metricsText() {
    return client.get(port, host, "/metrics").send().compose(r -> r.statusCode() == 200
        ? Future.succeededFuture(r.bodyAsString())
        : Future.failedFuture(new ApiError(HttpMethod.GET, "/metrics", r.statusCode(), r.bodyAsString())));
  }

  private Future<JsonObject> send(HttpMethod method, String path, JsonObject body) {
    String uri = path.contains("api-version=") ? path
        : path + (path.contains("?") ? "&" : "?") + "api-version=" + API_VERSION;
    HttpRequest<Buffer> request = client.request(method, port, host, uri)
        .putHeader("Authorization", authorization);
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    return sent.compose(r -> {
      if (r.statusCode() / 100 != 2) {
        return Future.failedFuture(new ApiError(method, path, r.statusCode(), r.bodyAsString()));
      }
      Buffer b = r.body();
      return Future.succeededFuture(b == null || b.length() == 0 ? new JsonObject() : new JsonObject(b));
    });
  }

  @Override
  public void close() {
    client.close();
  }
}
