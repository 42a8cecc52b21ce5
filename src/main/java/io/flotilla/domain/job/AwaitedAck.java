package io.flotilla.domain.job;

/** A device of a confirmed property job awaiting its acknowledgement of desired version {@code version}. */
public record AwaitedAck(long seq, String deviceId, long version) {
}
