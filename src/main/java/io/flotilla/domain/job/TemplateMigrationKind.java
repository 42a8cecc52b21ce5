package io.flotilla.domain.job;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Set;

/** Template-migration jobs: each device moves to the job's template; devices of any template take part. */
final class TemplateMigrationKind implements JobKind.Applied {
  private final JobWork work;

  TemplateMigrationKind(JobWork work) {
    this.work = work;
  }

  @Override
  public JobType type() {
    return JobType.TEMPLATE_MIGRATION;
  }

  @Override
  public Set<String> targetsOf(Job job) {
    return Set.of();
  }

  @Override
  public Future<Job> start(Job job, DeviceSource source, Instant now) {
    return JobKind.expand(work, job, source, Set.of(), now);
  }

  @Override
  public Future<Void> apply(Job job, long from, long to, Instant now) {
    return work.migrateTemplate(job.id(), from, to, job.items().get(0).template(), now).mapEmpty();
  }
}
