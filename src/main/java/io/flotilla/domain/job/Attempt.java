package io.flotilla.domain.job;

import java.time.Instant;

/** One attempt at a device within a job: its number (from 1), when it ended, and how. */
public record Attempt(int n, Instant at, DeviceJobStatus status, String errorCode, String errorMessage,
                      Integer responseCode) {
}
