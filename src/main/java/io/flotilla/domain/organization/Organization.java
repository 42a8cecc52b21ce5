package io.flotilla.domain.organization;

/** An organization of the application's hierarchy; {@code parent} null: a child of the root. */
public record Organization(String id, String displayName, String parent) {
}
