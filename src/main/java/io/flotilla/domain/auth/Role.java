package io.flotilla.domain.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The built-in roles, with the GUIDs every IoT Central application uses. */
public enum Role {
  ADMINISTRATOR("ca310b8d-2f4a-44e0-a36e-957c202cd8d4", "Administrator", EnumSet.allOf(Permission.class), false),
  BUILDER("344138e9-8de4-4497-8c54-5237e96d6aaf", "Builder",
      EnumSet.of(Permission.OPERATE_DEVICES, Permission.VIEW_DEVICES, Permission.READ_MODELS,
          Permission.BUILD_MODELS), false),
  OPERATOR("ae2c9854-393b-4f97-8c42-479d70ce626e", "Operator",
      EnumSet.of(Permission.OPERATE_DEVICES, Permission.VIEW_DEVICES, Permission.READ_MODELS), false),
  /**
   * Manages its organization's devices, groups and jobs; no API tokens or enrollment groups (reference 7.3). Users
   * stay with application Administrators in Flotilla (docs/api.md).
   */
  ORG_ADMIN("c495eb57-eb18-489e-9802-62c474e5645c", "Org Admin",
      EnumSet.of(Permission.OPERATE_DEVICES, Permission.VIEW_DEVICES, Permission.READ_MODELS), true),
  /** An Operator within its organization. */
  ORG_OPERATOR("b4935647-30e4-4ed3-9074-dcac66c2f8ef", "Org Operator",
      EnumSet.of(Permission.OPERATE_DEVICES, Permission.VIEW_DEVICES, Permission.READ_MODELS), true),
  /** Reads its organization's devices, groups and jobs, and nothing more. */
  ORG_VIEWER("84cc62c1-dabe-49d3-b16e-8b291232b285", "Org Viewer",
      EnumSet.of(Permission.VIEW_DEVICES, Permission.READ_MODELS), true);

  private final String id;
  private final String displayName;
  private final Set<Permission> permissions;
  private final boolean organizational;

  Role(String id, String displayName, Set<Permission> permissions, boolean organizational) {
    this.id = id;
    this.displayName = displayName;
    this.permissions = permissions;
    this.organizational = organizational;
  }

  /**
   * An organization role (Org Admin, Org Operator, Org Viewer): assigned only with an organization, and listed by
   * {@code GET /roles} only once organizations exist.
   */
  public boolean organizational() {
    return organizational;
  }

  public String id() {
    return id;
  }

  public String displayName() {
    return displayName;
  }

  public boolean grants(Permission p) {
    return permissions.contains(p);
  }

  public static Optional<Role> byId(String id) {
    return Arrays.stream(values()).filter(r -> r.id.equalsIgnoreCase(id)).findFirst();
  }
}
