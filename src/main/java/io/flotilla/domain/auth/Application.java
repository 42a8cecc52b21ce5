package io.flotilla.domain.auth;

/** The one application this server hosts, created at first start. */
public record Application(String id, String name, String idScope) {
}
