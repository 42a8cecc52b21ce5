package io.flotilla.domain.job;

import java.time.Instant;

/**
 * A claim of a job's devices held by one engine ({@code holder}: node name and instance) until {@code expires}, renewed
 * while the holder lives. A range lease ({@code first..last}) covers the pending rows it sent; a lease without a range
 * covers devices sent again (retries).
 */
public record Lease(long id, String jobId, Long first, Long last, String holder, Instant expires) {
}
