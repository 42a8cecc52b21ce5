package io.flotilla.domain.auth;

/** Who is calling: an authenticated API token. */
public record Principal(ApiToken token) {
  public boolean may(Permission p) {
    return token.grants(p);
  }
}
