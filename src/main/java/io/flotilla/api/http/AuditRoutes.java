package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.audit.AuditEntry;
import io.flotilla.domain.audit.AuditFilter;
import io.flotilla.domain.audit.AuditLog;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.vertx.core.http.HttpMethod;

/** {@code /auditLogs}: the audit log of accepted writes, newest first (a Flotilla extension; administrators only). */
public final class AuditRoutes implements ResourceRoutes {
  /** Longest filter value (a template id, the longest resource id, is at most 2,048 characters). */
  private static final int MAX_FILTER = 2048;
  private final AuditLog audit;

  public AuditRoutes(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  public void register(RouteTable t) {
    t.add(HttpMethod.GET, "/api/auditLogs", Permission.ADMINISTER, "AuditLogs_List", 200,
        "List the audit log of accepted writes, newest first; filters resourceKind, resourceId, tokenId "
            + "(a Flotilla extension)",
        call -> audit.list(new AuditFilter(filter(call, "resourceKind"), filter(call, "resourceId"),
            filter(call, "tokenId")), call.page()).map(page -> call.pageReply(page, AuditRoutes::dto))).paged().accepts(QueryParameter.always("resourceKind", "Exact match"),
        QueryParameter.always("resourceId", "Exact match"), QueryParameter.always("tokenId", "Exact match"));
  }

  private static String filter(Call call, String name) {
    String v = call.query(name);
    if (v != null && v.length() > MAX_FILTER) {
      throw new FlotillaException.Invalid("\"" + name + "\" must be at most " + MAX_FILTER + " characters.");
    }
    return v == null || v.isEmpty() ? null : v;
  }

  static ObjectNode dto(AuditEntry e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", Long.toString(e.seq()));
    o.put("time", e.time().toString());
    o.put("requestId", e.requestId());
    TokenRoutes.putRoles(o.putObject("token").put("id", e.tokenId()), e.roles());
    o.put("method", e.method());
    o.put("path", e.path());
    if (e.query() != null && !e.query().isEmpty()) {
      o.put("query", e.query());
    }
    o.put("operationId", e.operationId());
    ObjectNode resource = o.putObject("resource").put("kind", e.resourceKind());
    if (e.resourceId() != null) {
      resource.put("id", e.resourceId());
    }
    o.put("status", e.status());
    return o;
  }
}
