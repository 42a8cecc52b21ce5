package io.flotilla.webhook;

import io.flotilla.domain.export.WebhookSender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.Map;

/**
 * {@link WebhookSender} over its own Vert.x web client (connections of its own, pooled per receiver, never shared
 * with the API): a receiver that does not accept connections fails after {@code connectTimeout}, one that accepts and
 * never answers after {@code timeout}. Redirects are not followed.
 */
public final class WebhookClient implements WebhookSender, AutoCloseable {
  private final WebClient client;
  private final Duration timeout;

  public WebhookClient(Vertx vertx, Duration connectTimeout, Duration timeout, int connectionsPerReceiver) {
    this.timeout = timeout;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) connectTimeout.toMillis())
        .setIdleTimeout(60)
        .setFollowRedirects(false)
        .setUserAgent("Flotilla-DataExport/1"), new PoolOptions().setHttp1MaxSize(connectionsPerReceiver));
  }

  @Override
  public Future<Integer> post(String url, Map<String, String> headers, String body) {
    HttpRequest<Buffer> req;
    try {
      req = client.requestAbs(HttpMethod.POST, url);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    req.timeout(timeout.toMillis());
    headers.forEach(req::putHeader);
    return req.sendBuffer(Buffer.buffer(body)).map(r -> r.statusCode());
  }

  @Override
  public void close() {
    client.close();
  }
}
