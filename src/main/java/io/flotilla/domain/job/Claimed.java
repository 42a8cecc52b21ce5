package io.flotilla.domain.job;

/**
 * A device handed to an engine for dispatch, under lease {@code leaseId}: marked dispatched in the database before it
 * is sent. {@code attempt} is the attempt this dispatch makes (1 on the fast path).
 */
public record Claimed(String deviceId, long seq, long leaseId, int attempt) {
}
