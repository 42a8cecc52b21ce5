package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The OpenAPI description of {@code GET /api/auditLogs} (a Flotilla extension): its filters and its entries. */
final class AuditLogSchema {
  private AuditLogSchema() {
  }

  static void addTo(ObjectNode paths, ObjectNode schemas) {
    ObjectNode entry = schemas.putObject("AuditEntry").put("type", "object")
        .put("description", "One accepted write (PUT, PATCH, POST or DELETE answered 2xx), stored before it was "
            + "answered");
    ObjectNode p = entry.putObject("properties");
    p.putObject("id").put("type", "string").put("description", "The entry's place in the log (rises)");
    p.putObject("time").put("type", "string").put("format", "date-time");
    p.putObject("requestId").put("type", "string").put("description", "The request's x-ms-request-id");
    ObjectNode token = p.putObject("token").put("type", "object");
    ObjectNode tp = token.putObject("properties");
    tp.putObject("id").put("type", "string");
    tp.putObject("roles").put("type", "array").putObject("items").put("type", "object");
    p.putObject("method").put("type", "string");
    p.putObject("path").put("type", "string").put("description", "As received (percent-encoded)");
    p.putObject("query").put("type", "string");
    p.putObject("operationId").put("type", "string");
    ObjectNode resource = p.putObject("resource").put("type", "object");
    ObjectNode rp = resource.putObject("properties");
    rp.set("kind", stringSchema());
    rp.set("id", stringSchema());
    p.putObject("status").put("type", "integer");

    for (Map.Entry<String, JsonNode> path : (Iterable<Map.Entry<String, JsonNode>>) paths::fields) {
      path.getValue().fields().forEachRemaining(op -> {
        ObjectNode o = (ObjectNode) op.getValue();
        if (!"AuditLogs_List".equals(o.path("operationId").asText())) {
          return;
        }
        ArrayNode params = (ArrayNode) o.get("parameters");
        query(params, "resourceKind", "Only entries of this collection (devices, apiTokens, ...)");
        query(params, "resourceId", "Only entries of the resource with this id");
        query(params, "tokenId", "Only entries made with this API token");
        query(params, "maxpagesize", "Entries per page, 1 to 100");
        query(params, "$skiptoken", "From a nextLink");
        ObjectNode page = ((ObjectNode) o.path("responses").path("200")).putObject("content")
            .putObject("application/json").putObject("schema").put("type", "object");
        ObjectNode pp = page.putObject("properties");
        pp.putObject("value").put("type", "array").putObject("items").put("$ref", "#/components/schemas/AuditEntry");
        pp.putObject("nextLink").put("type", "string");
      });
    }
  }

  private static ObjectNode stringSchema() {
    return Json.MAPPER.createObjectNode().put("type", "string");
  }

  private static void query(ArrayNode params, String name, String description) {
    params.addObject().put("name", name).put("in", "query").put("description", description)
        .putObject("schema").put("type", "string");
  }
}
