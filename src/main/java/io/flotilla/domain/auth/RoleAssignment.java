package io.flotilla.domain.auth;

/** A role held by a token, optionally within an organization. */
public record RoleAssignment(Role role, String organization) {
}
