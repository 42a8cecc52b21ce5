package io.flotilla.api.http;

import io.flotilla.domain.auth.Permission;
import io.vertx.core.http.HttpMethod;

/**
 * One REST operation: method, path in OpenAPI form ({@code /api/devices/{deviceId}}), the permission it needs,
 * its operationId and success status. The router, the OpenAPI document and the role-matrix test all read these.
 */
public record RouteSpec(HttpMethod method, String path, Permission permission, String operationId,
                        int successStatus, String summary) {

  /** The path in Vert.x form ({@code /api/devices/:deviceId}). */
  public String vertxPath() {
    return path.replaceAll("\\{([A-Za-z]+)}", ":$1");
  }
}
