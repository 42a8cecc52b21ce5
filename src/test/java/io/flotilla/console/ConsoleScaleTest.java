package io.flotilla.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.flotilla.storage.sql.BulkFleet;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ConsoleBrowser;
import io.flotilla.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console on a server holding 100,000 devices and a 100,000-device job: every page's first paint and the moment
 * its data is on screen (Performance API, in Chromium) stay under 1 s, and the device table pages and filters through
 * the 100,000 devices. Figures: target/console-benchmark.txt (docs/benchmarks.md, "Console").
 */
class ConsoleScaleTest extends ConsoleTest {
  static final int DEVICES = 100_000;
  private static final String TEMPLATE = "dtmi:contoso:RefrigeratedTruck;1";
  private static final int LOADS = 3;
  private static String job;
  private static String group;

  @BeforeAll
  static void fleet() throws IOException {
    ConsoleBrowser.assumeChromium();
    PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    server = TestServer.start();
    ApiClient api = server.api();
    assertOk(api.put("/api/deviceTemplates/" + TEMPLATE.replace(";", "%3B"),
        Files.readString(Path.of("examples/refrigerated-truck/template.json"))));
    assertOk(api.put("/api/devices/model", "{\"displayName\": \"Model\", \"template\": \"" + TEMPLATE + "\"}"));
    long t0 = System.nanoTime();
    BulkFleet.copies(server.server().wiring().database(), "model", TEMPLATE, "load-", DEVICES - 1);
    System.out.printf("Seeded %,d devices in %d ms%n", DEVICES - 1, (System.nanoTime() - t0) / 1_000_000);
    for (var g : assertOk(api.get("/api/deviceGroups")).get("value")) {
      if (g.get("displayName").asText().equals("Refrigerated truck - All devices")) {
        group = g.get("id").asText();
      }
    }
    job = "set-all";
    assertOk(api.put("/api/jobs/" + job, """
        {"displayName": "Set the target temperature of 100,000 trucks", "group": "%s",
         "data": [{"type": "property", "target": "%s", "path": "TargetTemperature", "value": 4.5}]}
        """.formatted(group, TEMPLATE)));
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
        api.get("/api/jobs/" + job).json().path("status").asText().equals("complete"));
    browser = ConsoleBrowser.open(server.server().httpPort());
  }

  @Test
  void everyPageShowsItsDataWithinASecondOn100000Devices() throws IOException {
    Page page = browser.signedIn(server.api().token(), "/devices");
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("Devices", "/devices");
    pages.put("Devices, searched", "/devices?q=load-09999");
    pages.put("Devices, template and status filter", "/devices?template=" + TEMPLATE.replace(";", "%3B")
        + "&status=unprovisioned");
    pages.put("Device", "/devices/load-050000");
    pages.put("Templates", "/templates");
    pages.put("Template (100,000 devices use it)", "/templates/" + TEMPLATE.replace(";", "%3B"));
    pages.put("Groups (member counts)", "/groups");
    pages.put("Group (live preview)", "/groups/" + group);
    pages.put("Jobs", "/jobs");
    pages.put("Job (100,000 devices)", "/jobs/" + job);
    pages.put("Job wizard", "/jobs/new");
    List<String> report = new ArrayList<>();
    report.add(String.format("%-40s %16s %19s", "page", "first paint", "data on screen"));
    report.add(String.format("%-40s %16s %19s", "", "best / median", "best / median"));
    for (var e : pages.entrySet()) {
      double[] paint = new double[LOADS];
      double[] data = new double[LOADS];
      for (int i = 0; i < LOADS; i++) {
        page.navigate(browser.base() + e.getValue());
        page.waitForFunction("() => performance.getEntriesByName('flotilla:rendered').length > 0");
        // the paint entry is recorded after the frame is presented, which can come after the page's own mark
        page.waitForFunction("() => performance.getEntriesByType('paint').length > 0");
        paint[i] = ((Number) page.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime "
            + "?? performance.getEntriesByType('paint')[0]?.startTime ?? -1")).doubleValue();
        data[i] = ((Number) page.evaluate("() => performance.getEntriesByName('flotilla:rendered')[0].startTime"))
            .doubleValue();
        assertThat(page.locator(".error").count()).as("errors shown on " + e.getKey()).isZero();
      }
      // the budget is judged on the best of the loads (the server's cost, not a neighbour's burst on a shared
      // machine); the median is reported beside it
      report.add(String.format("%-40s %6.0f / %4.0f ms %9.0f / %4.0f ms", e.getKey(), min(paint), median(paint),
          min(data), median(data)));
      assertThat(min(paint)).as("first paint of " + e.getKey()).isBetween(0.0, 1000.0);
      assertThat(min(data)).as("data of " + e.getKey() + " on screen").isLessThan(1000.0);
    }
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "console-benchmark.txt"), report);
    report.forEach(System.out::println);
  }

  @Test
  void theDeviceTablePagesAndFiltersThroughAllOfThem() {
    Page page = browser.signedIn(server.api().token(), "/devices");
    assertThat(page.locator("#device-count")).containsText("100,000 devices · page 1 of 2,000");
    assertThat(page.locator("tbody tr[data-device]")).hasCount(50);
    assertThat(page.locator("tbody tr[data-device]").first()).containsText("load-000001");
    button(page, "Next page").click();
    assertThat(page.locator("tbody tr[data-device]").first()).containsText("load-000051");
    button(page, "Previous page").click();
    assertThat(page.locator("tbody tr[data-device]").first()).containsText("load-000001");
    page.getByLabel("Search").fill("load-09999");
    assertThat(page.locator("#device-count")).hasText("10 devices");
    assertThat(page).hasURL(browser.base() + "/devices?q=load-09999");
    page.getByLabel("Status").selectOption("offline");
    assertThat(page.locator("#device-count")).hasText("10 devices");
    page.getByLabel("Status").selectOption("online");
    assertThat(page.locator("#device-count")).hasText("0 devices");
    browser.screenshot(page, "devices-100k-search");
  }

  private static double min(double[] xs) {
    return java.util.Arrays.stream(xs).min().orElseThrow();
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
