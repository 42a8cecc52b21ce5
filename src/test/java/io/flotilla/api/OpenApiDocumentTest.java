package io.flotilla.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.api.OpenApiCoverage.Operation;
import io.flotilla.api.OpenApiCoverage.Report;
import io.flotilla.api.http.ApiServer;
import io.flotilla.api.http.OpenApiDocument;
import io.flotilla.api.http.RouteSpec;
import io.flotilla.domain.auth.Permission;
import io.flotilla.testing.ApiClient.Response;
import io.flotilla.testing.TestServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code GET /openapi.json} lists exactly the operations the router serves under {@code /api/}. */
class OpenApiDocumentTest {

  @Test
  void theServedDocumentIsOpenApi3AndMatchesTheRouterBothWays() {
    try (TestServer server = TestServer.start()) {
      Response r = server.api().as(null).get("/openapi.json");
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertThat(r.contentType()).startsWith("application/json");
      JsonNode doc = r.json();
      assertThat(doc.path("openapi").asText()).startsWith("3.");
      assertThat(doc.path("info").path("title").asText()).isNotBlank();

      ApiServer api = server.server().wiring().api();
      List<Route> routes = api.routes();
      Set<Operation> routerOps = OpenApiCoverage.routerOperations(routes);
      // Not vacuous: the router's operations are exactly the route table's, and there are some.
      assertThat(routerOps).isNotEmpty()
          .containsExactlyInAnyOrderElementsOf(api.table().specs().stream()
              .map(s -> new Operation(s.method().name(), s.path())).toList());

      Report report = OpenApiCoverage.compare(routes, doc);
      assertThat(report.missingFromDocument()).as("router operations missing from /openapi.json").isEmpty();
      assertThat(report.missingFromRouter()).as("/openapi.json operations the router does not serve").isEmpty();

      // Each documented operation carries its route's permission and a unique operationId.
      Map<Operation, RouteSpec> byOp = api.table().specs().stream()
          .collect(Collectors.toMap(s -> new Operation(s.method().name(), s.path()), Function.identity()));
      Set<String> operationIds = new HashSet<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> path = it.next();
        for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
          Map.Entry<String, JsonNode> op = ops.next();
          Operation key = new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey());
          RouteSpec spec = byOp.get(key);
          assertThat(spec).as("route for %s", key).isNotNull();
          assertThat(op.getValue().path("x-flotilla-permission").asText()).as("permission of %s", key)
              .isEqualTo(spec.permission().name());
          assertThat(operationIds.add(op.getValue().path("operationId").asText()))
              .as("operationId %s of %s is unique", op.getValue().path("operationId").asText(), key).isTrue();
          assertThat(op.getValue().path("responses").has(Integer.toString(spec.successStatus())))
              .as("success status of %s", key).isTrue();
          for (int other : spec.otherSuccessStatuses()) {
            assertThat(op.getValue().path("responses").has(Integer.toString(other))).as("%d of %s", other, key)
                .isTrue();
          }
        }
      }
      // a durable command is answered 202, and the description says so
      assertThat(doc.at("/paths/~1api~1devices~1{deviceId}~1commands~1{commandName}/post/responses/202/description")
          .asText()).startsWith("Accepted");
    }
  }

  /** The checker itself: a document built from a spec list missing one route must be reported, both ways round. */
  @Test
  void theCheckerReportsARouteMissingFromTheDocumentAndADocumentedRouteTheRouterLacks() {
    List<RouteSpec> specs = List.of(
        spec(HttpMethod.GET, "/api/widgets", "Widgets_List"),
        spec(HttpMethod.GET, "/api/widgets/{widgetId}", "Widgets_Get"),
        spec(HttpMethod.PUT, "/api/widgets/{widgetId}", "Widgets_Create"),
        spec(HttpMethod.POST, "/api/widgets/{widgetId}/parts/{partName}", "Widgets_Run"));
    RouteSpec dropped = specs.get(2);
    List<RouteSpec> withoutOne = new ArrayList<>(specs);
    withoutOne.remove(dropped);

    Vertx vertx = Vertx.vertx();
    try {
      List<Route> fullRouter = routesOf(vertx, specs);
      List<Route> shortRouter = routesOf(vertx, withoutOne);
      // The real ApiServer router also holds /healthz, /metrics, /openapi.json and the /api/* plumbing.
      assertThat(fullRouter).hasSizeGreaterThan(specs.size());

      Report agree = OpenApiCoverage.compare(fullRouter, OpenApiDocument.of(specs));
      assertThat(agree.agrees()).as("%s", agree).isTrue();

      Report docLacks = OpenApiCoverage.compare(fullRouter, OpenApiDocument.of(withoutOne));
      assertThat(docLacks.agrees()).isFalse();
      assertThat(docLacks.missingFromDocument()).containsExactly(new Operation("PUT", "/api/widgets/{widgetId}"));
      assertThat(docLacks.missingFromRouter()).isEmpty();

      Report routerLacks = OpenApiCoverage.compare(shortRouter, OpenApiDocument.of(specs));
      assertThat(routerLacks.missingFromDocument()).isEmpty();
      assertThat(routerLacks.missingFromRouter()).containsExactly(new Operation("PUT", "/api/widgets/{widgetId}"));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Test
  void aMethodlessExactApiRouteCountsAsUndocumented() {
    Vertx vertx = Vertx.vertx();
    try {
      var router = io.vertx.ext.web.Router.router(vertx);
      router.route("/api/*").handler(ctx -> ctx.next());
      router.route("/api/gadgets").handler(ctx -> ctx.end());
      Report r = OpenApiCoverage.compare(router.getRoutes(), OpenApiDocument.of(List.of()));
      assertThat(r.missingFromDocument()).containsExactly(new Operation("*", "/api/gadgets"));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private static RouteSpec spec(HttpMethod method, String path, String operationId) {
    return new RouteSpec(method, path, Permission.OPERATE_DEVICES, operationId, 200, operationId);
  }

  /** The routes of a real {@link ApiServer} router over the given specs (listening on a free port, then closed). */
  private static List<Route> routesOf(Vertx vertx, List<RouteSpec> specs) {
    ApiServer api = new ApiServer(vertx, null, null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        () -> Future.succeededFuture(true), 1024,
        List.of(table -> specs.forEach(s -> table.add(s.method(), s.path(), s.permission(), s.operationId(),
            s.successStatus(), s.summary(), call -> Future.failedFuture(new AssertionError("not called"))))));
    api.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().join();
    try {
      return List.copyOf(api.routes());
    } finally {
      api.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
