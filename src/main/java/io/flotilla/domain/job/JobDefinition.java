package io.flotilla.domain.job;

import java.util.List;

/** What a client asks for when it creates a job (or a scheduled job's template for its runs). */
public record JobDefinition(String displayName, String description, String groupId, List<JobItem> items,
                            JobBatch batch, CancellationThreshold cancellationThreshold, List<String> organizations, JobOptions options) {
  public JobDefinition {
    options = options == null ? JobOptions.NONE : options;
  }

  public JobDefinition withOrganizations(List<String> orgs) {
    return new JobDefinition(displayName, description, groupId, items, batch, cancellationThreshold, orgs, options);
  }
}
