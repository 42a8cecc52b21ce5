package io.flotilla.api.http;

import io.flotilla.domain.auth.Permission;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Optional;

/**
 * One REST operation: method, path in OpenAPI form ({@code /api/devices/{deviceId}}), the permission it needs,
 * its operationId, success status (and other success statuses it may answer: a queued command's 202) and the query
 * parameters it accepts besides {@code api-version}. The router,
 * the query check, the OpenAPI document and the role-matrix test all read these.
 */
public record RouteSpec(HttpMethod method, String path, Permission permission, String operationId,
                        int successStatus, String summary, List<QueryParameter> query,
                        List<Integer> otherSuccessStatuses) {

  public RouteSpec {
    query = List.copyOf(query);
    otherSuccessStatuses = List.copyOf(otherSuccessStatuses);
  }

  public RouteSpec(HttpMethod method, String path, Permission permission, String operationId, int successStatus,
                   String summary) {
    this(method, path, permission, operationId, successStatus, summary, List.of(), List.of());
  }

  /** The path in Vert.x form ({@code /api/devices/:deviceId}). */
  public String vertxPath() {
    return path.replaceAll("\\{([A-Za-z]+)}", ":$1");
  }

  /** The declared parameter of that name (query parameter names are not case-sensitive, as Vert.x reads them). */
  public Optional<QueryParameter> parameter(String name) {
    return query.stream().filter(q -> q.name().equalsIgnoreCase(name)).findFirst();
  }

  RouteSpec accepting(List<QueryParameter> more) {
    List<QueryParameter> all = new java.util.ArrayList<>(query);
    all.addAll(more);
    return new RouteSpec(method, path, permission, operationId, successStatus, summary, all, otherSuccessStatuses);
  }

  RouteSpec alsoSucceeding(int status) {
    List<Integer> all = new java.util.ArrayList<>(otherSuccessStatuses);
    all.add(status);
    return new RouteSpec(method, path, permission, operationId, successStatus, summary, query, all);
  }
}
