package io.flotilla.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Compares the operations a Vert.x router serves under {@code /api/} with those an OpenAPI document lists. */
final class OpenApiCoverage {
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "patch", "delete", "head", "options", "trace");

  private OpenApiCoverage() {
  }

  /** One operation, path in OpenAPI form ({@code /api/devices/{deviceId}}). */
  record Operation(String method, String path) implements Comparable<Operation> {
    @Override
    public int compareTo(Operation o) {
      int c = path.compareTo(o.path);
      return c != 0 ? c : method.compareTo(o.method);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** What is missing on either side; both empty means the document and the router agree. */
  record Report(Set<Operation> missingFromDocument, Set<Operation> missingFromRouter) {
    boolean agrees() {
      return missingFromDocument.isEmpty() && missingFromRouter.isEmpty();
    }
  }

  /**
   * The router's operations under {@code /api/}. Method-less prefix routes ({@code /api/*}: body handler, 404
   * fallback) are plumbing, not operations; a method-less <em>exact</em> route would answer every method, so it is
   * reported as method {@code *}, which no document entry can match.
   */
  static Set<Operation> routerOperations(List<Route> routes) {
    Set<Operation> ops = new TreeSet<>();
    for (Route r : routes) {
      String path = r.getPath();
      if (path == null || !path.startsWith("/api/")) {
        continue;
      }
      String openApiPath = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      Set<HttpMethod> methods = r.methods();
      if (methods == null || methods.isEmpty()) {
        if (r.isExactPath()) {
          ops.add(new Operation("*", openApiPath));
        }
        continue;
      }
      for (HttpMethod m : methods) {
        ops.add(new Operation(m.name(), openApiPath));
      }
    }
    return ops;
  }

  /** The document's operations under {@code /api/}. */
  static Set<Operation> documentOperations(JsonNode doc) {
    Set<Operation> ops = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<String> fields = path.getValue().fieldNames(); fields.hasNext(); ) {
        String f = fields.next();
        if (HTTP_METHODS.contains(f)) {
          ops.add(new Operation(f.toUpperCase(Locale.ROOT), path.getKey()));
        }
      }
    }
    ops.removeIf(o -> !o.path().startsWith("/api/"));
    return ops;
  }

  static Report compare(List<Route> routes, JsonNode doc) {
    Set<Operation> router = routerOperations(routes);
    Set<Operation> documented = documentOperations(doc);
    Set<Operation> missingFromDoc = new TreeSet<>(router);
    missingFromDoc.removeAll(documented);
    Set<Operation> missingFromRouter = new TreeSet<>(documented);
    missingFromRouter.removeAll(router);
    return new Report(missingFromDoc, missingFromRouter);
  }
}
