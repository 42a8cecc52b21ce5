package io.flotilla.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Principal;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** One authenticated API request as the routes see it. */
public final class Call {
  private final RoutingContext ctx;
  private final RouteSpec spec;
  private final ApiVersion version;
  private final Principal principal;
  private final String requestId;
  private final OrganizationScope scope;

  Call(RoutingContext ctx, RouteSpec spec, ApiVersion version, Principal principal, String requestId,
      OrganizationScope scope) {
    this.ctx = ctx;
    this.spec = spec;
    this.version = version;
    this.principal = principal;
    this.requestId = requestId;
    this.scope = scope;
  }

  /** The organizations the caller reaches with the route's permission (resolved once, from the token). */
  public OrganizationScope scope() {
    return scope;
  }

  public ApiVersion version() {
    return version;
  }

  public Principal principal() {
    return principal;
  }

  public String requestId() {
    return requestId;
  }

  public String path(String name) {
    return ctx.pathParam(name);
  }

  /**
   * A query parameter's value (null when absent). Only parameters the route table declares for the operation may be
   * read (anything else was refused before the operation ran); reading another is a bug in the route's declaration.
   */
  public String query(String name) {
    if (spec.parameter(name).isEmpty()) {
      throw new IllegalStateException(spec.operationId() + " reads the undeclared query parameter \"" + name + "\"");
    }
    return ctx.queryParams().get(name);
  }

  public String header(String name) {
    return ctx.request().getHeader(name);
  }

  /** The JSON body, required. PATCH takes {@code application/json} and {@code application/merge-patch+json}. */
  public JsonNode body() {
    String type = ctx.request().getHeader("content-type");
    if (type != null) {
      String mime = mime(type);
      boolean json = mime.equals("application/json")
          || (ctx.request().method() == HttpMethod.PATCH && mime.equals("application/merge-patch+json"));
      if (!json) {
        throw new FlotillaException.Invalid("UnsupportedMediaType", "Unsupported content type \"" + mime
            + "\": send application/json" + (ctx.request().method() == HttpMethod.PATCH
            ? " or application/merge-patch+json." : "."));
      }
    }
    return Json.parse(ctx.body().asString());
  }

  /** The media type of a {@code content-type} value, without parameters, in lower case ("" for none). */
  static String mime(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
        .toLowerCase(java.util.Locale.ROOT);
  }

  /** The JSON body as an object; anything else is a 400. */
  public ObjectNode objectBody() {
    JsonNode n = body();
    if (!(n instanceof ObjectNode o)) {
      throw new FlotillaException.Invalid("The request body must be a JSON object.");
    }
    return o;
  }

  /** Whether a body was sent at all. */
  public boolean hasBody() {
    return ctx.body() != null && ctx.body().length() > 0 && !ctx.body().asString().isBlank();
  }

  /** {@code maxpagesize} (or {@code $top}) and {@code $skiptoken} as a page request. */
  public PageRequest page() {
    String size = query("maxpagesize");
    if (size == null) {
      size = query("$top");
    }
    int limit = Paging.pageSize(size, version.defaultPageSize());
    String token = query("$skiptoken");
    return new PageRequest(token == null ? null : Paging.decode(token), limit);
  }

  /** A collection reply: {@code {"value": [...], "nextLink": "..."}}. */
  public <T> Reply pageReply(Page<T> page, Function<T, ? extends JsonNode> mapper) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode value = body.putArray("value");
    page.items().forEach(i -> value.add(mapper.apply(i)));
    page.nextKey().ifPresent(k -> body.put("nextLink", Paging.nextLink(baseUri(), ctx.request().query(), k)));
    return Reply.ok(body);
  }

  private String baseUri() {
    String abs = ctx.request().absoluteURI();
    int q = abs.indexOf('?');
    return q < 0 ? abs : abs.substring(0, q);
  }
}
