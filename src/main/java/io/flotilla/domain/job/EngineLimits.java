package io.flotilla.domain.job;

import java.time.Duration;

/**
 * Bounds of the job engine: commands in flight across all jobs, rows claimed per job per tick, results per write,
 * and how long a job command waits for the device's answer.
 */
public record EngineLimits(int maxInFlight, int claimPerTick, int resultsPerWrite, Duration commandTimeout) {
  public static final EngineLimits DEFAULT = new EngineLimits(10_000, 5_000, 5_000, Duration.ofSeconds(30));
}
