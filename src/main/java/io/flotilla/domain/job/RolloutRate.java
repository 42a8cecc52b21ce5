package io.flotilla.domain.job;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code rollout.maxPerMinute} and {@code rollout.ramp}: how many devices a job may start now. The rate is
 * {@code startPerMinute × factor^⌊succeeded / afterSucceeded⌋}, at most {@code maxPerMinute} (without a ramp: that
 * cap); starts are metered by a token bucket that fills at the rate and holds at most a tenth of a second's worth (at
 * least one), so starts come evenly rather than in bursts. Judged before each claim; its memory is the bucket only
 * (after a restart the job starts again from an empty bucket, never faster).
 */
public final class RolloutRate {
  private static final Duration BURST = Duration.ofMillis(100);
  private final Integer maxPerMinute;
  private final JobOptions.Ramp ramp;
  private double tokens = 1;
  private Instant last;

  RolloutRate(Integer maxPerMinute, JobOptions.Ramp ramp) {
    this.maxPerMinute = maxPerMinute;
    this.ramp = ramp;
  }

  /** The job's rate, or null when it starts devices as fast as the engine may. */
  public static RolloutRate of(Job job) {
    JobOptions.Rollout r = job.options().rollout();
    return r == null || (r.maxPerMinute() == null && r.ramp() == null) ? null
        : new RolloutRate(r.maxPerMinute(), r.ramp());
  }

  /** Devices per minute once {@code succeeded} devices completed. */
  public double perMinute(long succeeded) {
    if (ramp == null) {
      return maxPerMinute;
    }
    double rate = ramp.startPerMinute() * Math.pow(ramp.factor(), Math.floor((double) succeeded / ramp.afterSucceeded()));
    return maxPerMinute == null ? Math.min(rate, 1e9) : Math.min(rate, maxPerMinute);
  }

  /** How many devices may start at {@code now}. */
  public synchronized int allowance(Instant now, long succeeded) {
    double rate = perMinute(succeeded) / 60_000.0; // per millisecond
    if (last != null && now.isAfter(last)) {
      tokens += Duration.between(last, now).toNanos() / 1e6 * rate;
    }
    last = now;
    tokens = Math.min(tokens, Math.max(1, rate * BURST.toMillis()));
    return (int) Math.floor(tokens);
  }

  /** {@code n} devices were started. */
  public synchronized void started(int n) {
    tokens -= n;
  }
}
