package io.flotilla.api.http;

import io.flotilla.domain.audit.AuditLog;
import io.flotilla.domain.auth.Principal;
import io.flotilla.domain.auth.TokenService;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.organization.ScopedResources;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.cluster.ClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The REST API's HTTP server: cross-cutting concerns once, then the route table. */
public final class ApiServer {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String REQUEST_ID = "requestId";

  private final Vertx vertx;
  private final TokenService tokens;
  private final AuditLog audit;
  private final PrometheusMeterRegistry metrics;
  private final Supplier<Future<Boolean>> health;
  private volatile Supplier<java.util.Map<String, Object>> listeners;
  private volatile ClusterView cluster;
  private final RouteTable table = new RouteTable();
  private final int maxBodyBytes;
  private final ScopeGuard scopeGuard;
  private HttpServer server;
  private Router router;

  /**
   * {@code audit} records every accepted write before it is answered (null: no audit log, for tests of the router
   * alone).
   */
  public ApiServer(Vertx vertx, TokenService tokens, AuditLog audit, PrometheusMeterRegistry metrics,
                   Supplier<Future<Boolean>> health, int maxBodyBytes, List<ResourceRoutes> resources) {
    this(vertx, tokens, audit, metrics, health, maxBodyBytes, resources, null);
  }

  /**
   * {@code scoped} tells whether a resource named in a path lies outside an organization-scoped caller's
   * organizations (then the route answers 404 as for a missing one); null: no organization scoping (router tests).
   */
  public ApiServer(Vertx vertx, TokenService tokens, AuditLog audit, PrometheusMeterRegistry metrics,
                   Supplier<Future<Boolean>> health, int maxBodyBytes, List<ResourceRoutes> resources,
                   ScopedResources scoped) {
    this.scopeGuard = new ScopeGuard(scoped);
    this.vertx = vertx;
    this.tokens = tokens;
    this.audit = audit;
    this.metrics = metrics;
    this.health = health;
    this.maxBodyBytes = maxBodyBytes;
    resources.forEach(r -> r.register(table));
  }

  public RouteTable table() {
    return table;
  }

  public Future<HttpServer> listen(String host, int port) {
    router = router();
    // HTTP/1.1 only (no cleartext HTTP/2): each connection's pipeline is then set up before its first request is
    // read, so the HttpWireGuard sees that request too.
    return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true)
            .setHttp2ClearTextEnabled(false))
        .connectionHandler(HttpWireGuard::install)
        .requestHandler(router)
        .invalidRequestHandler(ApiServer::invalidRequest)
        .listen(port, host)
        .onSuccess(s -> server = s);
  }

  /**
   * A request the HTTP decoder rejected (bad request line, oversized line or headers, an unknown HTTP version):
   * answered in the API's error shape rather than the transport's bare status; the connection closes after it.
   */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431
        : cause instanceof HttpWireGuard.UnsupportedHttpVersion ? 505 : 400;
    String message = switch (status) {
      case 414 -> "The request line is too long.";
      case 431 -> "The request headers are too large.";
      case 505 -> cause.getMessage();
      default -> "The request is not valid HTTP/1.x.";
    };
    String code = switch (status) {
      case 400 -> "BadRequest";
      case 505 -> "HttpVersionNotSupported";
      default -> "RequestTooLarge";
    };
    String id = UUID.randomUUID().toString();
    request.response().putHeader("x-ms-request-id", id).putHeader("connection", "close");
    ErrorMapper.write(request.response(), status, code, message, id);
  }

  /** The routes of the router {@link #listen} serves (empty before it), for tests that compare it with the docs. */
  public List<Route> routes() {
    return router == null ? List.of() : router.getRoutes();
  }

  public int port() {
    return server.actualPort();
  }

  /** What {@code /healthz} says of the device listeners (e.g. whether MQTT over WebSockets listens), by name. */
  public void listeners(Supplier<java.util.Map<String, Object>> listeners) {
    this.listeners = listeners;
  }

  /** What {@code /healthz} says of the cluster (this node's name and id, the members it sees). */
  public void cluster(ClusterView cluster) {
    this.cluster = cluster;
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(this::begin);
    router.get("/healthz").handler(ctx -> health.get().onComplete(ar -> {
      boolean up = ar.succeeded() && Boolean.TRUE.equals(ar.result());
      ObjectNode body = Json.MAPPER.createObjectNode().put("status", up ? "ok" : "unavailable");
      if (cluster != null) {
        ClusterView.State s = cluster.summary();
        body.put("node", s.nodeName()).putObject("cluster").put("clustered", s.clustered())
            .put("memberId", s.memberId()).put("members", s.members().size());
      }
      if (listeners != null) {
        body.set("listeners", Json.MAPPER.valueToTree(listeners.get()));
      }
      if (!up) {
        ctx.response().putHeader("retry-after", ErrorMapper.RETRY_AFTER_SECONDS);
      }
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
          .end(Json.write(body));
    }));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .end(Json.write(OpenApiDocument.of(table.specs()))));
    // Bodies are read for the methods that carry one, and only as JSON: a form or multipart content type is
    // refused before the body handler would decode it (for a GET it threw, a 500).
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    router.route("/api/*").handler(ctx -> readBody(ctx, bodies));
    for (RouteTable.Entry e : table.entries()) {
      router.route(e.spec().method(), e.spec().vertxPath()).handler(ctx -> dispatch(ctx, e));
    }
    router.route("/api/*").handler(ctx -> fail(ctx, new FlotillaException.NotFound(
        "No operation " + ctx.request().method() + " " + ctx.request().path() + ".")));
    ConsoleAssets.install(router);
    // Outside /api too (a path whose dot segments lead out of it, /healthz with another method): the error shape,
    // never the router's bare HTML page.
    router.route().handler(ctx -> fail(ctx, new FlotillaException.NotFound(
        "No operation " + ctx.request().method() + " " + ctx.request().path() + ".")));
    router.route().failureHandler(this::failure);
    // What the router answers itself when no handler took a failure (e.g. it could not match a route at all).
    for (int status : new int[] {400, 404, 405, 406, 413, 414, 415, 500, 501}) {
      router.errorHandler(status, this::failure);
    }
    return router;
  }

  private void begin(RoutingContext ctx) {
    String id = UUID.randomUUID().toString();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader("x-ms-request-id", id);
    long start = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null
          ? "unmatched" : ctx.currentRoute().getPath();
      Timer.builder("http.server.requests")
          .tag("method", ctx.request().method().name())
          .tag("route", route)
          .tag("status", Integer.toString(ctx.response().getStatusCode()))
          .register(metrics)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    });
    if (!RequestUris.validPercentEncoding(ctx.request().path())
        || !RequestUris.validPercentEncoding(ctx.request().query())) {
      // The router cannot even match such a path (its normalisation throws); answer before it tries.
      ErrorMapper.write(ctx.response(), 400, "BadRequest",
          "The request URI holds a '%' that is not followed by two hexadecimal digits.", id);
      return;
    }
    ctx.next();
  }

  private static void readBody(RoutingContext ctx, BodyHandler bodies) {
    HttpMethod m = ctx.request().method();
    if (m != HttpMethod.PUT && m != HttpMethod.PATCH && m != HttpMethod.POST && m != HttpMethod.DELETE) {
      ctx.next();
      return;
    }
    String mime = Call.mime(ctx.request().getHeader("content-type"));
    if (mime.equals("application/x-www-form-urlencoded") || mime.startsWith("multipart/")) {
      ErrorMapper.write(ctx.response(), new FlotillaException.Invalid("UnsupportedMediaType",
          "Unsupported content type \"" + mime + "\": send application/json."), ctx.get(REQUEST_ID));
      return;
    }
    bodies.handle(ctx);
  }

  private void dispatch(RoutingContext ctx, RouteTable.Entry e) {
    String requestId = ctx.get(REQUEST_ID);
    ApiVersion version;
    try {
      version = ApiVersion.parse(ctx.request().getParam("api-version"));
    } catch (FlotillaException ex) {
      fail(ctx, ex);
      return;
    }
    tokens.authenticate(ctx.request().getHeader("Authorization"))
        .compose(principal -> authorize(principal, e.spec()))
        .compose(principal -> {
          Call call;
          try {
            QueryCheck.check(e.spec(), version, ctx.queryParams());
            call = new Call(ctx, e.spec(), version, principal, requestId, principal.scope(e.spec().permission()));
          } catch (RuntimeException ex) {
            return Future.failedFuture(ex);
          }
          return scopeGuard.check(e.spec(), call).compose(v -> {
            Future<Reply> reply;
            try {
              reply = e.endpoint().handle(call);
            } catch (RuntimeException ex) {
              return Future.failedFuture(ex);
            }
            return reply.map(r -> VersionShape.of(version, r));
          }).compose(r -> audited(ctx, e.spec(), principal, requestId, r));
        })
        .onSuccess(reply -> send(ctx, reply))
        .onFailure(ex -> fail(ctx, ex));
  }

  /**
   * An accepted write (PUT, PATCH, POST, DELETE answered 2xx) is answered only once its audit entry is committed; if
   * the entry cannot be stored the client gets 503 instead of the success (the write itself may have happened).
   */
  private Future<Reply> audited(RoutingContext ctx, RouteSpec spec, Principal principal, String requestId,
                                Reply reply) {
    HttpMethod m = spec.method();
    boolean write = m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.POST || m == HttpMethod.DELETE;
    // POST /query reads: nothing to audit.
    write = write && !QueryRoutes.OPERATION_ID.equals(spec.operationId());
    if (audit == null || !write || reply.status() < 200 || reply.status() >= 300) {
      return Future.succeededFuture(reply);
    }
    String[] segments = spec.path().split("/");
    String kind = segments.length > 2 ? segments[2] : "";
    String idParam = segments.length > 3 && segments[3].startsWith("{") ? segments[3].substring(1,
        segments[3].length() - 1) : null;
    return audit.record(new AuditLog.Write(principal, requestId, m.name(), ctx.request().path(),
            ctx.request().query(), spec.operationId(), kind, idParam == null ? null : ctx.pathParam(idParam),
            reply.status()))
        .map(v -> reply);
  }

  private Future<Principal> authorize(Principal p, RouteSpec spec) {
    if (!p.may(spec.permission())) {
      return Future.failedFuture(new FlotillaException.Forbidden(
          "The API token's role does not allow " + spec.method() + " " + spec.path() + "."));
    }
    return Future.succeededFuture(p);
  }

  private void send(RoutingContext ctx, Reply reply) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(reply.status());
    if (reply.chunks() != null) {
      ctx.response().setChunked(true).putHeader("content-type", reply.contentType());
      if (Reply.EVENT_STREAM.equals(reply.contentType())) {
        // never compressed (a compressor may hold events back), never cached or buffered by a proxy
        ctx.response().putHeader("content-encoding", "identity").putHeader("cache-control", "no-cache")
            .putHeader("x-accel-buffering", "no");
      }
      boolean[] closed = {false};
      Runnable close = () -> {
        if (!closed[0]) {
          closed[0] = true;
          reply.chunks().close();
        }
      };
      ctx.response().closeHandler(v -> close.run());
      ctx.response().endHandler(v -> close.run());
      pump(ctx, reply.chunks());
      return;
    }
    if (reply.body() == null) {
      ctx.response().end();
    } else {
      ctx.response().putHeader("content-type", "application/json; charset=utf-8").end(Json.write(reply.body()));
    }
  }

  private void pump(RoutingContext ctx, Reply.Chunks chunks) {
    chunks.next().onComplete(ar -> {
      if (ctx.response().closed() || ctx.response().ended()) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("Streaming failed: {}", ar.cause().toString());
        ctx.response().reset();
        return;
      }
      if (ar.result().isEmpty()) {
        ctx.response().end();
        return;
      }
      StringBuilder text = new StringBuilder();
      ar.result().forEach(line -> text.append(line).append("\r\n"));
      ctx.response().write(text.toString());
      if (ctx.response().writeQueueFull()) {
        ctx.response().drainHandler(v -> pump(ctx, chunks));
      } else {
        pump(ctx, chunks);
      }
    });
  }

  private void fail(RoutingContext ctx, Throwable ex) {
    ErrorMapper.write(ctx.response(), ex, ctx.get(REQUEST_ID));
  }

  private void failure(RoutingContext ctx) {
    if (ctx.response().closed() || ctx.response().ended()) {
      // The connection went away (or the wire guard answered a body it could not decode): nobody to tell.
      LOG.debug("Request {} failed after its connection closed: {}", (Object) ctx.get(REQUEST_ID),
          String.valueOf(ctx.failure()));
      return;
    }
    String requestId = ctx.get(REQUEST_ID);
    if (requestId == null) {
      requestId = UUID.randomUUID().toString();
      ctx.response().putHeader("x-ms-request-id", requestId);
    }
    Throwable ex = ctx.failure();
    int status = ctx.statusCode();
    if (ex == null || (!(ex instanceof FlotillaException) && status >= 400 && status < 500)) {
      // The router's or a Vert.x handler's own 4xx (no route, body too large, no Host header, ...): the client's.
      status = status < 400 ? 500 : status;
      if (status == 413) {
        ErrorMapper.write(ctx.response(), 413, "RequestEntityTooLarge",
            "The request body is larger than " + maxBodyBytes + " bytes.", requestId);
      } else {
        String code = switch (status) {
          case 404 -> "NotFound";
          case 405 -> "MethodNotAllowed";
          case 415 -> "UnsupportedMediaType";
          default -> status >= 500 ? "InternalServerError" : "BadRequest";
        };
        String message = ex != null && ex.getMessage() != null ? ex.getMessage()
            : "The request could not be processed (HTTP " + status + ").";
        ErrorMapper.write(ctx.response(), status, code, message, requestId);
      }
      return;
    }
    if (!(ex instanceof FlotillaException)) {
      LOG.debug("Request {} failed", requestId, ex);
    }
    ErrorMapper.write(ctx.response(), ex, requestId);
  }
}
