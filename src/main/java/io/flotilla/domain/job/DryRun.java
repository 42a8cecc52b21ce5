package io.flotilla.domain.job;

/**
 * What a job would do if it were created now (nothing is stored): its devices, how many would fail
 * {@code TemplateMismatch} at once, how many are connected now, and its batches.
 */
public record DryRun(Job job, long total, long templateMismatch, long connected, int batchSize, int batchCount) {
}
