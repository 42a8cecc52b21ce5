package io.flotilla.loadgen;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One job driven over REST and timed from the load generator: PUT (creation latency), then GET every 10 ms until the
 * job reaches a final status. {@code startNanos} is taken just before the PUT is sent.
 */
public record JobRun(String id, long startNanos, long putNanos, long endNanos, JsonObject last) {
  private static final Set<String> FINAL = Set.of("complete", "failed", "stopped", "cancelled");
  private static final long POLL_MS = 10;

  /** Creates the job and waits until it is final or {@code timeoutSeconds} pass. */
  public static JobRun start(Rig rig, String id, JsonObject definition, long startNanos) {
    Rig.await(rig.api().put("/api/jobs/" + id, definition));
    long putNanos = System.nanoTime() - startNanos;
    JsonObject job = poll(rig, id, j -> false, System.nanoTime() + rig.options().jobTimeoutSeconds * 1_000_000_000L);
    return new JobRun(id, startNanos, putNanos, System.nanoTime(), job);
  }

  /** GETs the job every 10 ms until {@code until} holds, the job is final or the deadline passed; the last answer. */
  public static JsonObject poll(Rig rig, String id, Predicate<JsonObject> until, long deadlineNanos) {
    JsonObject job;
    while (true) {
      job = Rig.await(rig.api().get("/api/jobs/" + id));
      if (until.test(job) || isFinal(job) || System.nanoTime() > deadlineNanos) {
        return job;
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return job;
      }
    }
  }

  public static boolean isFinal(JsonObject job) {
    return FINAL.contains(job.getString("status"));
  }

  /** A field of the job's {@code progress}; -1 when absent. */
  public static int progress(JsonObject job, String field) {
    JsonObject p = job.getJsonObject("progress");
    return p == null ? -1 : p.getInteger(field, -1);
  }

  public String status() {
    return last.getString("status");
  }

  public long elapsedNanos() {
    return endNanos - startNanos;
  }

  public int progress(String field) {
    return progress(last, field);
  }

  /** Fills the metrics every job scenario reports. */
  public ScenarioResult report(ScenarioResult r) {
    int total = progress("total");
    return r.put("job", id).put("status", status()).put("total", total).put("completed", progress("completed"))
        .put("failed", progress("failed")).put("pending", progress("pending"))
        .put("put_ms", ScenarioResult.millis(putNanos))
        .put("put_to_complete_ms", ScenarioResult.millis(elapsedNanos()))
        .put("devices_per_s", ScenarioResult.perSecond(Math.max(0, total), elapsedNanos()))
        .put("server_start", last.getString("start")).put("server_end", last.getString("end"));
  }
}
