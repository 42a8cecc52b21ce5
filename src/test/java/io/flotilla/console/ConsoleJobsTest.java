package io.flotilla.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.SelectOption;
import io.flotilla.testing.ConsoleBrowser;
import io.flotilla.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jobs pages in Chromium against one real server: a template-migration job through the wizard, a job with every
 * Flotilla extension (an API validation message shown under its control, the review listing them, the stored body
 * carrying them), and the jobs list paged by the API's nextLink with one live stream for the rows on screen.
 */
class ConsoleJobsTest extends ConsoleTest {
  private static final String OLD = "dtmi:flotilla:console:Meter;1";
  private static final String NEW = "dtmi:flotilla:console:Meter;2";

  @BeforeAll
  static void start() {
    ConsoleBrowser.assumeChromium();
    PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
    server = TestServer.start();
    var api = server.api();
    for (String[] t : new String[][] {{OLD, "Meter v1"}, {NEW, "Meter v2"}}) {
      assertOk(api.put("/api/deviceTemplates/" + t[0].replace(";", "%3B"), """
          {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "%s",
           "capabilityModel": {"@id": "%s", "@type": "Interface", "contents": [
             {"@type": "Command", "name": "reboot", "displayName": "Reboot",
              "request": {"name": "delay", "displayName": "Delay (seconds)", "schema": "double"}},
             {"@type": ["Property", "Cloud"], "name": "site", "displayName": "Site", "schema": "string"}]}}
          """.formatted(t[1], t[0].replace(";", "Model;"))));
    }
    for (String prefix : new String[] {"mig", "cmd"}) {
      for (int i = 1; i <= 3; i++) {
        assertOk(api.put("/api/devices/" + prefix + "-" + i, "{\"displayName\": \"" + prefix + " " + i
            + "\", \"template\": \"" + OLD + "\"}"));
      }
      assertOk(api.put("/api/deviceGroups/" + prefix, "{\"displayName\": \"" + prefix + " meters\", \"filter\": "
          + "\"SELECT * FROM devices WHERE $template = \\\"" + OLD + "\\\" AND contains($id, \\\"" + prefix
          + "-\\\")\"}"));
    }
    browser = ConsoleBrowser.open(server.server().httpPort());
  }

  private static void startWizard(Page page, String group, String type) {
    page.navigate(browser.base() + "/jobs/new");
    label(page, "Device group").selectOption(new SelectOption().setLabel(group));
    button(page, "Next").click();
    page.locator("#type-" + type).check();
    button(page, "Next").click();
  }

  @Test
  void aTemplateMigrationJobThroughTheWizardCompletes() {
    Page page = browser.signedIn(server.api().token(), "/jobs");
    startWizard(page, "mig meters", "deviceTemplateMigration");
    // no value step for a migration: target template → delivery → when → review
    assertThat(page.locator(".steps li")).hasCount(6);
    label(page, "Target template").selectOption(new SelectOption().setLabel("Meter v2"));
    button(page, "Next").click();
    assertThat(page.locator("legend h2")).hasText("Delivery");
    button(page, "Next").click();
    button(page, "Next").click();
    assertThat(page.locator("[data-review='Target']")).hasText("Move to Meter v2");
    assertThat(page.locator("#job-body")).containsText("\"template\": \"" + NEW + "\"");
    page.reload(); // the wizard's step and choices survive a reload
    assertThat(page.locator("[data-review='Target']")).hasText("Move to Meter v2");
    button(page, "Create job").click();
    page.waitForURL(Pattern.compile(".*/jobs/move-mig-meters-to-meter-v2-.+"));
    assertThat(page.locator("#job-status")).containsText("complete");
    assertThat(page.locator("#job-counts")).containsText("3 / 0 / 3");
    assertThat(page.locator("#job-what")).containsText("change device template to " + NEW);
    for (int i = 1; i <= 3; i++) {
      assertThat(assertOk(server.api().get("/api/devices/mig-" + i)).get("template").asText()).isEqualTo(NEW);
    }
    page.context().close();
  }

  @Test
  void aJobWithEveryExtensionShowsTheApiMessageInlineListsThemAndStoresThem() {
    Page page = browser.signedIn(server.api().token(), "/jobs");
    startWizard(page, "cmd meters", "command");
    label(page, "Command").selectOption("reboot");
    button(page, "Next").click();
    label(page, "Delay (seconds)").fill("2");
    button(page, "Next").click();
    label(page, "Batches").selectOption("number");
    label(page, "Batch size").fill("2");
    label(page, "Cancellation threshold").selectOption("percentage");
    label(page, "Threshold value").fill("50");
    label(page, "Wait for offline devices to connect, up to").fill("PT5M");
    label(page, "Attempts per device").fill("3");
    label(page, "Wait before the second attempt").fill("PT2S");
    label(page, "Backoff factor").fill("2");
    label(page, "Longest wait between attempts").fill("PT1M");
    label(page, "CommandFailed").uncheck();
    label(page, "Interrupted").check();
    label(page, "Devices started per minute, at most").fill("600");
    label(page, "Ramp: start at (devices per minute)").fill("1000"); // more than the maximum: the API says so
    label(page, "Ramp: multiply the rate by").fill("3");
    label(page, "Ramp: each time this many more devices completed").fill("10");
    label(page, "Success gate: least % of each batch that must complete").fill("90");
    label(page, "When a batch misses the gate").selectOption("cancel");
    label(page, "Continuous: also reach devices that join the group while the job runs").check();
    label(page, "Continuous job ends at").fill("2030-01-01T00:00");
    page.setViewportSize(390, 900); // every control labelled, nothing wider than a phone
    assertThat(accessibilityProblems(page)).isEmpty();
    browser.screenshot(page, "wizard-delivery-390px");
    page.setViewportSize(1280, 900);
    button(page, "Next").click();
    button(page, "Next").click();
    assertThat(page.locator("[data-review='Ramp']")).hasText("from 1000 a minute, ×3 every 10 completed");
    button(page, "Create job").click();
    // the API's 400 is shown under the control it names, on the step that holds it
    assertThat(page.locator("legend h2")).hasText("Delivery");
    assertThat(page.locator("#field-error")).containsText("\"rollout.ramp.startPerMinute\" must not exceed rollout.maxPerMinute");
    assertThat(page.locator("#field-error .rid")).containsText("requestId ");
    assertThat(label(page, "Ramp: start at (devices per minute)")).hasAttribute("aria-invalid", "true");
    browser.screenshot(page, "wizard-inline-error");
    label(page, "Ramp: start at (devices per minute)").fill("60");
    button(page, "Next").click();
    assertThat(page.locator("#field-error")).hasCount(0);
    button(page, "Next").click();
    // the review lists every option
    assertThat(page.locator("[data-review='Batches']")).hasText("2 devices a batch");
    assertThat(page.locator("[data-review='Cancellation threshold']")).hasText("50% failed");
    assertThat(page.locator("[data-review='Wait for connection']")).hasText("up to PT5M");
    assertThat(page.locator("[data-review='Retries']")).hasText(
        "3 attempts, first wait PT2S, ×2, at most PT1M, on DeviceNotOnline, GatewayTimeout, Interrupted");
    assertThat(page.locator("[data-review='Rate']")).hasText("at most 600 devices a minute");
    assertThat(page.locator("[data-review='Ramp']")).hasText("from 60 a minute, ×3 every 10 completed");
    assertThat(page.locator("[data-review='Success gate']")).hasText("90% of each batch, else cancel");
    assertThat(page.locator("[data-review='Continuous']")).containsText("until");
    label(page, "Job name").fill("Reboot meters carefully");
    browser.screenshot(page, "wizard-review");
    button(page, "Create job").click();
    page.waitForURL(Pattern.compile(".*/jobs/reboot-meters-carefully-.+"));
    assertThat(page.locator("main")).containsText("at most 600 devices a minute");
    String id = page.url().substring(page.url().lastIndexOf('/') + 1);

    JsonNode job = assertOk(server.api().get("/api/jobs/" + id));
    assertThat(job.at("/batch/type").asText()).isEqualTo("number");
    assertThat(job.at("/batch/value").asDouble()).isEqualTo(2);
    assertThat(job.at("/cancellationThreshold/type").asText()).isEqualTo("percentage");
    assertThat(job.at("/cancellationThreshold/value").asDouble()).isEqualTo(50);
    assertThat(job.at("/delivery/waitForConnection").asText()).isEqualTo("PT5M");
    assertThat(job.at("/delivery/retry/maxAttempts").asInt()).isEqualTo(3);
    assertThat(job.at("/delivery/retry/backoff").asText()).isEqualTo("PT2S");
    assertThat(job.at("/delivery/retry/factor").asDouble()).isEqualTo(2.0);
    assertThat(job.at("/delivery/retry/maxBackoff").asText()).isEqualTo("PT1M");
    assertThat(job.at("/delivery/retry/on").toString()).isEqualTo("[\"DeviceNotOnline\",\"GatewayTimeout\",\"Interrupted\"]");
    assertThat(job.at("/rollout/maxPerMinute").asInt()).isEqualTo(600);
    assertThat(job.at("/rollout/ramp/startPerMinute").asInt()).isEqualTo(60);
    assertThat(job.at("/rollout/ramp/factor").asDouble()).isEqualTo(3.0);
    assertThat(job.at("/rollout/ramp/afterSucceeded").asInt()).isEqualTo(10);
    assertThat(job.at("/rollout/successGate/minSuccessPercent").asDouble()).isEqualTo(90);
    assertThat(job.at("/rollout/successGate/action").asText()).isEqualTo("cancel");
    assertThat(job.at("/continuous").asBoolean()).isTrue();
    assertThat(job.at("/data/0/value").asDouble()).isEqualTo(2);
    assertStatus(server.api().post("/api/jobs/" + id + "/stop", null), 204); // a continuous job runs until stopped
    page.context().close();
  }

  @Test
  void theJobsListPagesByNextLinkAndKeepsTheRowsOnScreenLive() {
    var api = server.api();
    String body = "{\"group\": \"cmd\", \"data\": [{\"type\": \"cloudProperty\", \"target\": \"" + OLD
        + "\", \"path\": \"site\", \"value\": \"Quay %d\"}]}";
    for (int i = 0; i < 120; i++) {
      assertOk(api.put("/api/jobs/page-job-%03d".formatted(i), body.formatted(i)));
    }
    // between page-job-060 and page-job-061: on the second page whatever the other tests created (ids < "page")
    String live = "page-job-060-live";
    assertOk(api.put("/api/jobs/" + live, "{\"group\": \"cmd\", \"delivery\": {\"waitForConnection\": \"PT1H\"}, "
        + "\"data\": [{\"type\": \"command\", \"target\": \"" + OLD + "\", \"path\": \"reboot\", \"value\": 1}]}"));
    Page page = browser.signedIn(api.token(), "/jobs");
    List<String> streams = new ArrayList<>();
    page.onRequest(r -> {
      if (r.url().contains("/api/jobProgress/events")) {
        synchronized (streams) {
          streams.add(r.url());
        }
      }
    });
    assertThat(page.locator("tr[data-job]")).hasCount(50);
    assertThat(page.locator("#jobs-range")).hasText("Jobs 1–50");
    assertThat(button(page, "Previous page")).isDisabled();
    String firstOfPage1 = page.locator("tr[data-job]").first().getAttribute("data-job");

    button(page, "Next page").click();
    assertThat(page.locator("#jobs-range")).hasText("Jobs 51–100");
    assertThat(page).hasURL(Pattern.compile(".*/jobs\\?page=.+"));
    assertThat(page.locator("tr[data-job]")).hasCount(50);
    assertThat(page.locator("tr[data-job='" + firstOfPage1 + "']")).hasCount(0);
    assertThat(page.locator("tr[data-job='" + live + "']")).containsText("running");
    // one stream for the page, watching exactly its 50 rows
    page.waitForCondition(() -> {
      synchronized (streams) {
        return !streams.isEmpty() && streams.get(streams.size() - 1).contains(live);
      }
    });
    String stream = java.net.URLDecoder.decode(streams.get(streams.size() - 1), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(stream.replaceAll(".*[?&]ids=([^&]*).*", "$1").split(",")).hasSize(50).contains(live);

    // the row follows its job live: stopped, then running again
    assertStatus(api.post("/api/jobs/" + live + "/stop", null), 204);
    assertThat(page.locator("tr[data-job='" + live + "']")).containsText("stopped");
    assertStatus(api.post("/api/jobs/" + live + "/resume", null), 204);
    assertThat(page.locator("tr[data-job='" + live + "']")).containsText("running");
    browser.screenshot(page, "jobs-page-2");

    // the page is in the URL: a reload shows the same page, and Previous goes back
    page.reload();
    assertThat(page.locator("#jobs-range")).hasText("Jobs 51–100");
    assertThat(page.locator("tr[data-job='" + live + "']")).hasCount(1);
    button(page, "Previous page").click();
    assertThat(page.locator("#jobs-range")).hasText("Jobs 1–50");
    assertThat(page.locator("tr[data-job='" + firstOfPage1 + "']")).hasCount(1);
    button(page, "Next page").click();
    button(page, "Next page").click();
    assertThat(page.locator("#jobs-range")).hasText(Pattern.compile("Jobs 101–1\\d\\d"));
    assertThat(page.locator("tr[data-job]").first()).not().hasAttribute("data-job", firstOfPage1);
    assertStatus(api.post("/api/jobs/" + live + "/stop", null), 204);
    assertThat(browser.consoleErrors()).as("errors logged by the pages").isEmpty();
    page.context().close();
  }
}
