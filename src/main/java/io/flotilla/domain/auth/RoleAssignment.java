package io.flotilla.domain.auth;

/** A role held by a token or user, optionally within an organization (null: the whole application). */
public record RoleAssignment(Role role, String organization) {
  /** An assignment within an organization grants only the role's organization-scoped permissions. */
  public boolean grants(Permission p) {
    return role.grants(p) && (organization == null || p.organizationScoped());
  }
}
