package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.history.QueryService;
import io.vertx.core.http.HttpMethod;

/**
 * {@code POST /query} (2022-10-31-preview): IoT Central's query language over the telemetry history
 * (docs/api.md, "Query"). Operators may query (it reads device data).
 */
public final class QueryRoutes implements ResourceRoutes {
  /** The operation's id; a query is a read, so it is not audited. */
  public static final String OPERATION_ID = "Query_Run";
  private final QueryService queries;

  public QueryRoutes(QueryService queries) {
    this.queries = queries;
  }

  @Override
  public void register(RouteTable t) {
    t.add(HttpMethod.POST, "/api/query", Permission.OPERATE_DEVICES, OPERATION_ID, 200,
        "Run a telemetry query: SELECT … FROM <template id> WHERE WITHIN_WINDOW(…) (api-version 2022-10-31-preview)",
        call -> {
          if (call.version() != ApiVersion.V2022_10_31_PREVIEW) {
            throw new FlotillaException.NotFound("The query API is served under api-version 2022-10-31-preview "
                + "only, not \"" + call.version().text() + "\".");
          }
          JsonNode query = call.objectBody().get("query");
          if (query == null || !query.isTextual()) {
            throw new FlotillaException.Invalid("Invalid query: \"query\" (a string) is required.");
          }
          return queries.run(query.asText()).map(records -> {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.putArray("results").addAll(records);
            return Reply.ok(body);
          });
        });
  }
}
