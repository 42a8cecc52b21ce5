package io.flotilla.domain.job;

import java.time.Instant;
import java.util.List;

/**
 * A job over a device group. The group is expanded into per-device rows when the job starts; {@code batchSize}
 * is fixed then (0 = one batch). {@code desiredVersion} is the twin {@code $version} a property job gives every device.
 * {@code rerunOf} names the job whose failed devices a rerun covers (null: the group's devices). {@code options} are
 * Flotilla's extensions; {@code statusReason} says why a policy stopped or cancelled the job (null otherwise).
 */
public record Job(String id, String displayName, String description, String groupId, JobType type,
                  List<JobItem> items, JobBatch batch, CancellationThreshold cancellationThreshold,
                  JobStatus status, String scheduledJobId, List<String> organizations,
                  Instant created, Instant start, Instant end, JobProgress progress, int batchSize,
                  long desiredVersion, String failure, String rerunOf, JobOptions options, String statusReason) {

  public Job {
    options = options == null ? JobOptions.NONE : options;
  }

  public Job withStatus(JobStatus s) {
    return new Job(id, displayName, description, groupId, type, items, batch, cancellationThreshold, s,
        scheduledJobId, organizations, created, start, end, progress, batchSize, desiredVersion, failure,
        rerunOf, options, statusReason);
  }

  /** The batch (0-based) a device at position {@code seq} (1-based) belongs to. */
  public int batchOf(long seq) {
    return batchSize <= 0 ? 0 : (int) ((seq - 1) / batchSize);
  }

  /** How many batches a job of {@code total} devices has. */
  public int batchCount() {
    int total = progress.total();
    return batchSize <= 0 || total == 0 ? 1 : (total + batchSize - 1) / batchSize;
  }
}
