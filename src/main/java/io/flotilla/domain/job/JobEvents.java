package io.flotilla.domain.job;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Jobs' event logs for their readers (docs/jobs.md "Events"): reads the stored log and wakes whoever watches a job
 * when its log grew. It is the {@link JobEventSink} storage tells after each commit; watching costs nothing per device
 * (a wake-up per committed entry, coalesced by the watcher) and no one watching costs nothing at all.
 */
public final class JobEvents implements JobEventSink {
  private final JobEventLog log;
  private final Map<String, Set<Runnable>> watchers = new ConcurrentHashMap<>();
  private final List<Runnable> everyJob = new CopyOnWriteArrayList<>();
  private final Set<Consumer<String>> anyJob = ConcurrentHashMap.newKeySet();
  private volatile BooleanSupplier exported = () -> false;

  public JobEvents(JobEventLog log) {
    this.log = log;
  }

  /** A watch of one job's log; {@link #close} ends it. */
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Up to {@code limit} events of job {@code jobId} after {@code after}, with the job as it was before they were read.
   * Fails with {@code NotFound} when the job does not exist.
   */
  public Future<JobEventPage> after(String jobId, JobEventId after, int limit) {
    return log.after(jobId, after, limit).map(page -> page.orElseThrow(() -> JobService.notFound(jobId)));
  }

  /** Every event of one log entry (what a data export delivers for it). */
  public Future<List<JobEvent>> entry(String jobId, long entry) {
    return log.entry(jobId, entry);
  }

  /** Calls {@code wake} (from any thread, quickly) each time the job's log grows, until the watch is closed. */
  public Watch watch(String jobId, Runnable wake) {
    watchers.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(wake);
    return () -> watchers.computeIfPresent(jobId, (id, set) -> {
      set.remove(wake);
      return set.isEmpty() ? null : set;
    });
  }

  /** Calls {@code wake} each time any job's log grows (the data-export dispatcher). */
  public void watchEveryJob(Runnable wake) {
    everyJob.add(wake);
  }

  /**
   * Calls {@code changed} with the job's id (from any thread, quickly) each time any job's log grows, until the watch is
   * closed (the console's live job list).
   */
  public Watch watchJobs(Consumer<String> changed) {
    anyJob.add(changed);
    return () -> anyJob.remove(changed);
  }

  /** Jobs' logs are queued for data export while {@code exported} says so. */
  public void exportWhile(BooleanSupplier exported) {
    this.exported = exported;
  }

  /** How many watches are open (for metrics and tests). */
  public int watches() {
    return watchers.values().stream().mapToInt(Set::size).sum() + anyJob.size();
  }

  @Override
  public void appended(String jobId) {
    Set<Runnable> set = watchers.get(jobId);
    if (set != null) {
      set.forEach(Runnable::run);
    }
    everyJob.forEach(Runnable::run);
    anyJob.forEach(c -> c.accept(jobId));
  }

  @Override
  public boolean exported() {
    return exported.getAsBoolean();
  }
}
