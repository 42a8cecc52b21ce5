package io.flotilla.domain.job;

import java.util.ArrayList;
import java.util.List;

/** The policies of one job, judged in order: the first verdict that does not go on wins. */
public record JobPolicies(List<JobPolicy> all) {
  public static JobPolicies of(Job job) {
    List<JobPolicy> out = new ArrayList<>();
    if (job.cancellationThreshold() != null) {
      out.add(job.cancellationThreshold());
    }
    if (job.options().successGate() != null) {
      out.add(job.options().successGate());
    }
    return new JobPolicies(List.copyOf(out));
  }

  public boolean needBatchCounts(JobProgress job) {
    return all.stream().anyMatch(p -> p.needsBatchCounts(job));
  }

  public Verdict afterResults(JobProgress job, BatchCounts batch) {
    for (JobPolicy p : all) {
      Verdict v = p.afterResults(job, batch);
      if (!v.goesOn()) {
        return v;
      }
    }
    return Verdict.CONTINUE;
  }

  public Verdict afterBatch(JobProgress job, BatchCounts batch) {
    for (JobPolicy p : all) {
      Verdict v = p.afterBatch(job, batch);
      if (!v.goesOn()) {
        return v;
      }
    }
    return Verdict.CONTINUE;
  }
}
