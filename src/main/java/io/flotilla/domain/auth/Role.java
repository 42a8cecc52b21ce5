package io.flotilla.domain.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The built-in roles, with the GUIDs every IoT Central application uses. */
public enum Role {
  ADMINISTRATOR("ca310b8d-2f4a-44e0-a36e-957c202cd8d4", "Administrator", EnumSet.allOf(Permission.class)),
  BUILDER("344138e9-8de4-4497-8c54-5237e96d6aaf", "Builder",
      EnumSet.of(Permission.OPERATE_DEVICES, Permission.READ_MODELS, Permission.BUILD_MODELS)),
  OPERATOR("ae2c9854-393b-4f97-8c42-479d70ce626e", "Operator",
      EnumSet.of(Permission.OPERATE_DEVICES, Permission.READ_MODELS));

  private final String id;
  private final String displayName;
  private final Set<Permission> permissions;

  Role(String id, String displayName, Set<Permission> permissions) {
    this.id = id;
    this.displayName = displayName;
    this.permissions = permissions;
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
