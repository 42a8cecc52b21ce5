package io.flotilla.domain.auth;

import java.util.Arrays;
import java.util.Optional;

/** The {@code type} discriminator of a user, with the legacy preview spellings it also accepts. */
public enum UserType {
  EMAIL("email", "EmailUser"),
  SERVICE_PRINCIPAL("servicePrincipal", "ServicePrincipalUser"),
  AD_GROUP("adGroup", "ADGroupUser");

  private final String wire;
  private final String legacy;

  UserType(String wire, String legacy) {
    this.wire = wire;
    this.legacy = legacy;
  }

  public String wire() {
    return wire;
  }

  public static Optional<UserType> of(String text) {
    return Arrays.stream(values()).filter(t -> t.wire.equals(text) || t.legacy.equals(text)).findFirst();
  }
}
