package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAPI 3 document of what this server implements, built from the route table so it never drifts. */
public final class OpenApiDocument {
  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");

  private OpenApiDocument() {
  }

  public static ObjectNode of(List<RouteSpec> specs) {
    ObjectNode doc = Json.MAPPER.createObjectNode();
    doc.put("openapi", "3.0.3");
    doc.putObject("info").put("title", "Flotilla (IoT Central data-plane REST API)").put("version", "2022-07-31")
        .put("description", "Operations Flotilla implements. Every /api call needs ?api-version= and an "
            + "Authorization: SharedAccessSignature ... API token.");
    ObjectNode paths = doc.putObject("paths");
    for (RouteSpec s : specs) {
      ObjectNode path = paths.has(s.path()) ? (ObjectNode) paths.get(s.path()) : paths.putObject(s.path());
      ObjectNode op = path.putObject(s.method().name().toLowerCase(Locale.ROOT));
      op.put("operationId", s.operationId());
      op.put("summary", s.summary());
      op.put("x-flotilla-permission", s.permission().name());
      ArrayNode params = op.putArray("parameters");
      Matcher m = PARAM.matcher(s.path());
      while (m.find()) {
        params.addObject().put("name", m.group(1)).put("in", "path").put("required", true)
            .putObject("schema").put("type", "string");
      }
      params.addObject().put("name", "api-version").put("in", "query").put("required", true)
          .putObject("schema").put("type", "string").put("default", ApiVersion.V2022_07_31.text());
      for (QueryParameter q : s.query()) {
        ObjectNode param = params.addObject().put("name", q.name()).put("in", "query").put("required", false)
            .put("description", q.description());
        param.putObject("schema").put("type", "string");
        ArrayNode versions = param.putArray("x-flotilla-api-versions");
        q.versions().stream().map(ApiVersion::text).sorted().forEach(versions::add);
      }
      op.putArray("security").addObject().putArray("apiToken");
      ObjectNode responses = op.putObject("responses");
      responses.putObject(Integer.toString(s.successStatus())).put("description", "Success");
      for (int other : s.otherSuccessStatuses()) {
        responses.putObject(Integer.toString(other)).put("description", other == 202
            ? "Accepted: queued for the device (a durable command)" : "Success");
      }
      responses.putObject("default").put("description", "Error")
          .putObject("content").putObject("application/json").putObject("schema")
          .put("$ref", "#/components/schemas/Error");
    }
    ObjectNode components = doc.putObject("components");
    components.putObject("securitySchemes").putObject("apiToken")
        .put("type", "apiKey").put("in", "header").put("name", "Authorization");
    ObjectNode schemas = components.putObject("schemas");
    JobExtensionsSchema.addTo(paths, schemas);
    AuditLogSchema.addTo(paths, schemas);
    ObjectNode error = schemas.putObject("Error");
    error.put("type", "object");
    ObjectNode inner = error.putObject("properties").putObject("error");
    inner.put("type", "object");
    ObjectNode props = inner.putObject("properties");
    for (String f : List.of("code", "message", "requestId", "time")) {
      props.putObject(f).put("type", "string");
    }
    return doc;
  }
}
