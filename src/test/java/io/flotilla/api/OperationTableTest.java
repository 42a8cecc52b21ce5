package io.flotilla.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.api.http.RouteSpec;
import io.flotilla.domain.auth.Permission;
import io.flotilla.testing.TestServer;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The operation table of docs/api.md ("## Operations") and the route table agree: every route has its row, every row
 * marked implemented or partly has its route, no route hides behind a row marked not implemented, and the table
 * covers the service's 96 operations of 2022-07-31 and the 24 that 2022-10-31-preview adds.
 */
class OperationTableTest {
  private static final Pattern ROW = Pattern.compile(
      "^\\| (\\w+) \\| (GET|PUT|PATCH|POST|DELETE) (/\\S*) \\| (GA|preview|extension) \\| "
          + "(implemented|partly|not implemented) \\|(.*)\\|$");

  /** One row: operationId, method, path (under /api), where it comes from and what Flotilla does. */
  record Row(String operationId, String method, String path, String version, String status, String notes) {
    boolean served() {
      return !status.equals("not implemented");
    }
  }

  static List<Row> rows(String markdown) {
    List<Row> rows = new ArrayList<>();
    boolean inSection = false;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("## ")) {
        inSection = line.equals("## Operations");
        continue;
      }
      Matcher m = ROW.matcher(line);
      if (inSection && m.matches()) {
        rows.add(new Row(m.group(1), m.group(2), "/api" + m.group(3), m.group(4), m.group(5), m.group(6).trim()));
      } else if (inSection && line.startsWith("| ") && !line.startsWith("| operationId")) {
        throw new AssertionError("A row of the operation table that does not parse: " + line);
      }
    }
    return rows;
  }

  /** Every disagreement between the table and the routes, in words (empty: they agree). */
  static List<String> problems(List<Row> rows, List<RouteSpec> routes) {
    List<String> out = new ArrayList<>();
    Map<String, Row> byOperation = rows.stream().collect(Collectors.toMap(r -> r.method() + " " + r.path(),
        Function.identity(), (a, b) -> {
          out.add("two rows for " + a.method() + " " + a.path());
          return a;
        }));
    Set<String> routed = new HashSet<>();
    for (RouteSpec s : routes) {
      String key = s.method().name() + " " + s.path();
      routed.add(key);
      Row row = byOperation.get(key);
      if (row == null) {
        out.add("route " + key + " (" + s.operationId() + ") has no row");
      } else if (!row.served()) {
        out.add("route " + key + " is served but its row says not implemented");
      } else if (!row.operationId().equals(s.operationId())) {
        out.add("route " + key + " is " + s.operationId() + " but its row says " + row.operationId());
      }
    }
    for (Row r : rows) {
      if (r.served() && !routed.contains(r.method() + " " + r.path())) {
        out.add("row " + r.operationId() + " (" + r.method() + " " + r.path() + ") says " + r.status()
            + " but there is no such route");
      }
      if (!r.served() && r.notes().isEmpty()) {
        out.add("row " + r.operationId() + " is not implemented without saying why");
      }
    }
    return out;
  }

  @Test
  void theTableOfDocsApiMdMatchesTheRouteTable() throws IOException {
    List<Row> rows = rows(Files.readString(Path.of("docs/api.md")));
    assertThat(rows.stream().filter(r -> r.version().equals("GA"))).as("2022-07-31 operations").hasSize(96);
    assertThat(rows.stream().filter(r -> r.version().equals("preview"))).as("2022-10-31-preview additions")
        .hasSize(24);
    assertThat(rows.stream().map(Row::operationId).distinct()).as("unique operationIds").hasSize(rows.size());
    try (TestServer server = TestServer.start()) {
      List<RouteSpec> routes = server.server().wiring().api().table().specs();
      assertThat(problems(rows, routes)).isEmpty();
    }
  }

  /** The checker itself: each kind of disagreement is reported. */
  @Test
  void theCheckerReportsAMissingRowARowWithoutRouteAndARouteBehindNotImplemented() {
    List<Row> rows = List.of(
        new Row("Widgets_List", "GET", "/api/widgets", "GA", "implemented", ""),
        new Row("Widgets_Get", "GET", "/api/widgets/{widgetId}", "GA", "partly", "some"),
        new Row("Widgets_Remove", "DELETE", "/api/widgets/{widgetId}", "GA", "not implemented", "why"));
    RouteSpec list = spec(HttpMethod.GET, "/api/widgets", "Widgets_List");
    RouteSpec get = spec(HttpMethod.GET, "/api/widgets/{widgetId}", "Widgets_Get");
    assertThat(problems(rows, List.of(list, get))).isEmpty();

    RouteSpec added = spec(HttpMethod.PUT, "/api/widgets/{widgetId}", "Widgets_Create");
    assertThat(problems(rows, List.of(list, get, added)))
        .containsExactly("route PUT /api/widgets/{widgetId} (Widgets_Create) has no row");
    assertThat(problems(rows, List.of(list)))
        .containsExactly("row Widgets_Get (GET /api/widgets/{widgetId}) says partly but there is no such route");
    assertThat(problems(rows, List.of(list, get, spec(HttpMethod.DELETE, "/api/widgets/{widgetId}", "Widgets_Remove"))))
        .containsExactly("route DELETE /api/widgets/{widgetId} is served but its row says not implemented");
    assertThat(problems(List.of(new Row("X_Y", "GET", "/api/x", "GA", "not implemented", "")), List.of()))
        .containsExactly("row X_Y is not implemented without saying why");
    assertThat(rows("## Operations\n| A_B | GET /a | GA | implemented | n |\n## Next\n| C_D | GET /c | GA | implemented | |"))
        .extracting(Row::operationId).containsExactly("A_B");
  }

  private static RouteSpec spec(HttpMethod method, String path, String operationId) {
    return new RouteSpec(method, path, Permission.OPERATE_DEVICES, operationId, 200, operationId);
  }
}
