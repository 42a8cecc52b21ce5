package io.flotilla.domain.auth;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Limits;
import java.util.List;

/** The rules every list of role assignments (a token's, a user's) follows. */
final class RoleAssignments {
  /** Role assignments one token or user may hold (they are stored in one column of 8,000 characters). */
  static final int MAX = 50;

  private RoleAssignments() {
  }

  /**
   * Fails with {@code Invalid} for none, more than {@value #MAX}, a malformed organization id, or an organization
   * role without an organization.
   */
  static void check(List<RoleAssignment> roles) {
    if (roles == null || roles.isEmpty() || roles.size() > MAX) {
      throw new FlotillaException.Invalid("\"roles\" must hold 1 to " + MAX + " role assignments.");
    }
    roles.forEach(r -> Limits.organization("roles.organization", r.organization()));
    roles.stream().filter(r -> r.role().organizational() && r.organization() == null).findFirst().ifPresent(r -> {
      throw new FlotillaException.Invalid("\"roles.organization\" is required for the role " + r.role().displayName()
          + " (" + r.role().id() + "): an organization role is assigned within an organization.");
    });
  }

  /** The organizations the assignments name, each once; null when none names one (for the reference check). */
  static List<String> organizations(List<RoleAssignment> roles) {
    List<String> orgs = roles.stream().map(RoleAssignment::organization).filter(java.util.Objects::nonNull)
        .distinct().toList();
    return orgs.isEmpty() ? null : orgs;
  }
}
