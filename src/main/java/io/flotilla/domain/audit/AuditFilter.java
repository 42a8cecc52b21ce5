package io.flotilla.domain.audit;

/** Which entries a page lists: each non-null field must match exactly. */
public record AuditFilter(String resourceKind, String resourceId, String tokenId) {
  public static final AuditFilter ALL = new AuditFilter(null, null, null);
}
