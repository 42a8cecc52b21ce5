package io.flotilla.domain.auth;

import java.util.List;

/**
 * A user of the application (reference §7.2): an email user ({@code email}), a service principal or an Azure AD
 * group ({@code tenantId} and {@code objectId}), with role assignments.
 */
public record User(String id, UserType type, String email, String tenantId, String objectId,
                   List<RoleAssignment> roles) {

  /** What makes the principal unique among users: its type and email (case-insensitive) or tenant and object. */
  public String principalKey() {
    return type.wire() + ":" + (type == UserType.EMAIL ? email.toLowerCase(java.util.Locale.ROOT)
        : tenantId.toLowerCase(java.util.Locale.ROOT) + "/" + objectId.toLowerCase(java.util.Locale.ROOT));
  }
}
