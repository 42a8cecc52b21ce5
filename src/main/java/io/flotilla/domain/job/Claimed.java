package io.flotilla.domain.job;

/** A device row handed to the engine for dispatch: marked dispatched in the database before it is sent. */
public record Claimed(String deviceId, long seq) {
}
