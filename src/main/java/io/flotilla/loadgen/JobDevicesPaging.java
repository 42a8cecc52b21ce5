package io.flotilla.loadgen;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * Reads every page of a large job's devices ({@code maxpagesize=100}, following {@code nextLink}) twice, one request
 * at a time: the first pass cold, the second warm. The target is checked on both.
 */
public final class JobDevicesPaging implements Scenario {
  public static final double TARGET_P99_MS = 20;

  @Override
  public String name() {
    return "job-devices-paging";
  }

  @Override
  public ScenarioResult run(Rig rig) {
    String jobId = rig.options().pagingJob;
    if (jobId == null) {
      if (rig.lastPropertyJob() == null) {
        new PropertyJob().run(rig);
      }
      jobId = rig.lastPropertyJob();
    }
    ScenarioResult r = new ScenarioResult(name()).put("job", jobId);
    for (String pass : new String[] {"cold", "warm"}) {
      Histogram micros = LatencySummary.newHistogram();
      long devices = 0;
      long start = System.nanoTime();
      String next = "/api/jobs/" + jobId + "/devices?maxpagesize=100";
      boolean absolute = false;
      while (next != null) {
        long t = System.nanoTime();
        JsonObject page = Rig.await(absolute ? rig.api().getAbsolute(next) : rig.api().get(next));
        micros.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
        devices += page.getJsonArray("value").size();
        next = page.getString("nextLink");
        absolute = true;
      }
      LatencySummary s = LatencySummary.of(micros);
      r.put(pass + "_pages", micros.getTotalCount()).put(pass + "_devices", devices)
          .put(pass + "_ms", ScenarioResult.millis(System.nanoTime() - start)).put(pass + "_page_latency", s);
      r.check(pass + " p99 page latency < 20 ms", s.p99() < TARGET_P99_MS);
    }
    if (r.number("warm_devices") < 100_000) {
      r.note("target is defined for a 100,000-device job; this job had " + (long) r.number("warm_devices"));
    }
    return r;
  }
}
