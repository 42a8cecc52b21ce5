package io.flotilla.domain.auth;

import io.flotilla.domain.common.OrganizationScope;
import java.util.List;

/** Who is calling: an authenticated API token. */
public record Principal(ApiToken token) {
  public boolean may(Permission p) {
    return token.grants(p);
  }

  /**
   * The organizations in which the token holds {@code p}: the whole application when an assignment without an
   * organization grants it, else the organizations of the assignments that do (and their descendants).
   */
  public OrganizationScope scope(Permission p) {
    List<RoleAssignment> granting = token.roles().stream().filter(r -> r.grants(p)).toList();
    if (granting.stream().anyMatch(r -> r.organization() == null)) {
      return OrganizationScope.WHOLE;
    }
    return OrganizationScope.within(granting.stream().map(RoleAssignment::organization).toList());
  }
}
