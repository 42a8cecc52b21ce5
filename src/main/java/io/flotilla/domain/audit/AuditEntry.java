package io.flotilla.domain.audit;

import io.flotilla.domain.auth.RoleAssignment;
import java.time.Instant;
import java.util.List;

/**
 * One accepted write through the REST API: who (the API token and its roles), what (method, path and query, the
 * operation, the resource's kind and id, the status answered), when, and the request's id.
 *
 * @param seq the entry's place in the log (ascending as entries are recorded; 0 before it is stored)
 * @param time when the write was accepted (the server's clock)
 * @param requestId the request's {@code x-ms-request-id}
 * @param tokenId the API token that made the request
 * @param roles the token's role assignments at the time
 * @param method PUT, PATCH, POST or DELETE
 * @param path the request path as received (percent-encoded)
 * @param query the query string as received, or null
 * @param operationId the operation of the route table ({@code Devices_Create})
 * @param resourceKind the collection the path names ({@code devices}, {@code apiTokens}, ...)
 * @param resourceId the id of the resource in that collection, or null for a collection-wide operation
 * @param status the success status answered
 */
public record AuditEntry(long seq, Instant time, String requestId, String tokenId, List<RoleAssignment> roles,
                         String method, String path, String query, String operationId, String resourceKind,
                         String resourceId, int status) {

  /** The same entry with the place the log gave it. */
  public AuditEntry withSeq(long seq) {
    return new AuditEntry(seq, time, requestId, tokenId, roles, method, path, query, operationId, resourceKind,
        resourceId, status);
  }
}
