package io.flotilla.domain.common;

/** A resource before and after one change of it. */
public record Change<T>(T before, T after) {
}
