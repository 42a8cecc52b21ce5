package io.flotilla.loadgen;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Reads every page of a large job's devices ({@code maxpagesize=100}, following {@code nextLink}) twice, one request
 * at a time: the first pass cold, the second warm. Then every page of the device list as 2022-10-31-preview filters
 * and orders it: by display name ascending over the load-test template ({@code template eq}), descending, and a
 * filter no index pins ({@code startswith(id)} and {@code enabled}). The target is checked on each; for the device
 * lists the mean latency of the last 100 pages against the first 100 shows whether a page's cost grows with depth.
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
    String template = URLEncoder.encode("template eq '" + rig.templateId() + "'", StandardCharsets.UTF_8);
    String prefix = URLEncoder.encode("startswith(id, '" + rig.options().prefix + "-') and enabled eq true",
        StandardCharsets.UTF_8);
    String list = "/api/devices?api-version=2022-10-31-preview&maxpagesize=100";
    devices(rig, r, "by_name", list + "&filter=" + template + "&orderby=displayName");
    devices(rig, r, "by_name_desc", list + "&orderby=" + URLEncoder.encode("displayName desc", StandardCharsets.UTF_8));
    devices(rig, r, "unpinned_filter", list + "&filter=" + prefix);
    if (r.number("by_name_devices") < 1_000_000) {
      r.note("the device-list target is defined for 1,000,000 devices; this fleet had "
          + (long) r.number("by_name_devices"));
    }
    return r;
  }

  /** Every page of one filtered and ordered device list, one request at a time. */
  private static void devices(Rig rig, ScenarioResult r, String label, String first) {
    Histogram micros = LatencySummary.newHistogram();
    List<Long> pages = new ArrayList<>();
    long devices = 0;
    long start = System.nanoTime();
    String next = first;
    boolean absolute = false;
    while (next != null) {
      long t = System.nanoTime();
      JsonObject page = Rig.await(absolute ? rig.api().getAbsolute(next) : rig.api().get(next));
      long us = Math.max(1, (System.nanoTime() - t) / 1000);
      micros.recordValue(us);
      pages.add(us);
      devices += page.getJsonArray("value").size();
      next = page.getString("nextLink");
      absolute = true;
    }
    LatencySummary s = LatencySummary.of(micros);
    int edge = Math.min(100, pages.size());
    r.put(label + "_pages", micros.getTotalCount()).put(label + "_devices", devices)
        .put(label + "_ms", ScenarioResult.millis(System.nanoTime() - start)).put(label + "_page_latency", s)
        .put(label + "_first_100_mean_ms", meanMillis(pages.subList(0, edge)))
        .put(label + "_last_100_mean_ms", meanMillis(pages.subList(pages.size() - edge, pages.size())));
    r.check(label + " p99 page latency < 20 ms", s.p99() < TARGET_P99_MS);
  }

  private static double meanMillis(List<Long> micros) {
    return micros.isEmpty() ? 0 : micros.stream().mapToLong(Long::longValue).average().orElse(0) / 1000.0;
  }
}
