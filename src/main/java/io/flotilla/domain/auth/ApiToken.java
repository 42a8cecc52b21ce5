package io.flotilla.domain.auth;

import java.time.Instant;
import java.util.List;

/** A stored API token: only the SHA-256 hash of its secret is kept. */
public record ApiToken(String id, String secretHash, List<RoleAssignment> roles, Instant expiry) {
  public boolean grants(Permission p) {
    return roles.stream().anyMatch(r -> r.grants(p));
  }
}
