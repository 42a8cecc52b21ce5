package io.flotilla.domain.auth;

/** A newly created token and its full header value, which is shown this once and never stored. */
public record IssuedToken(ApiToken token, String headerValue) {
}
