package io.flotilla.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.flotilla.testing.ConsoleBrowser;
import io.flotilla.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed scenario through the console only, in a real Chromium against a real server: the example button creates
 * the refrigerated-truck fleet, a simulated truck is blocked on its device page, the wizard runs {@code reboot} on
 * "Refrigerated truck - All devices" (the offline devices fail {@code DeviceNotOnline}), the truck is unblocked, the
 * failed devices are rerun, and a {@code TargetTemperature} property job completes — asserting what each page shows.
 */
class ConsoleWalkthroughTest extends ConsoleTest {

  @BeforeAll
  static void start() {
    ConsoleBrowser.assumeChromium();
    PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
    server = TestServer.start(c -> c.withJobCommandTimeout(Duration.ofSeconds(5)));
    browser = ConsoleBrowser.open(server.server().httpPort());
  }

  @Test
  void theSeedScenarioThroughTheConsoleOnly() {
    Page page = browser.signedIn(server.api().token(), "/");
    assertThat(page).hasURL(browser.base() + "/devices");
    assertThat(page.getByText("This server has no devices yet")).isVisible();
    browser.screenshot(page, "devices-empty");

    // The example: the template, three real trucks, five simulated ones (online at once, live).
    button(page, "Create the refrigerated-truck example").click();
    assertThat(page.locator("#device-count")).hasText("8 devices");
    assertThat(page.locator("tr[data-device='sim-truck-01']")).containsText("online");
    assertThat(page.locator("tr[data-device='truck-01']")).containsText("offline");
    assertThat(page.locator("tr[data-device='truck-01']")).containsText("Refrigerated truck"); // the template's name
    browser.screenshot(page, "devices");

    // Block one simulated truck on its device page: it is disconnected (the live state says so).
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("sim-truck-05")).click();
    assertThat(page.locator("#connection")).hasText("online");
    button(page, "Block").click();
    assertThat(page.locator("#enabled")).hasText("blocked");
    assertThat(page.locator("#connection")).hasText("offline");

    // The reboot command job through the wizard.
    String rebootJob = runJobThroughWizard(page, "command", "reboot", "5", "Reboot all trucks");
    assertThat(page.locator("#job-status")).containsText("complete");
    assertThat(page.locator("#job-counts")).containsText("4 / 4 / 8");
    assertThat(button(page, "Stop")).isHidden(); // a finished job is neither stopped nor resumed
    assertThat(button(page, "Resume")).isHidden();
    button(page, "Failed (4)").click();
    Locator failed = page.locator("tbody tr[data-device]");
    assertThat(failed).hasCount(4);
    for (String id : new String[] {"truck-01", "truck-02", "truck-03", "sim-truck-05"}) {
      assertThat(page.locator("tr[data-device='" + id + "']")).containsText("DeviceNotOnline");
    }
    browser.screenshot(page, "job-failed-devices");

    // Unblock the blocked truck on its device page: the simulator brings it back online.
    page.navigate(browser.base() + "/devices/sim-truck-05");
    button(page, "Unblock").click();
    assertThat(page.locator("#enabled")).hasText("enabled");
    assertThat(page.locator("#connection")).hasText("online");
    browser.screenshot(page, "device");

    // Rerun the failed devices: the truck answers now, the three real ones still fail.
    page.navigate(browser.base() + "/jobs/" + rebootJob);
    button(page, "Rerun failed devices").click();
    page.waitForURL(url -> url.contains("-rerun-"));
    assertThat(page.locator("#job-status")).containsText("complete");
    assertThat(page.locator("#job-counts")).containsText("1 / 3 / 4");
    assertThat(page.locator("tr[data-device='truck-02']")).containsText("DeviceNotOnline");

    // The TargetTemperature property job completes for every device (offline ones read it when they connect).
    runJobThroughWizard(page, "property", "TargetTemperature", "14.5", "Set target temperature");
    assertThat(page.locator("#job-status")).containsText("complete");
    assertThat(page.locator("#job-counts")).containsText("8 / 0 / 8");
    browser.screenshot(page, "job");

    page.navigate(browser.base() + "/jobs");
    assertThat(page.locator("tr[data-job]")).hasCount(3);
    browser.screenshot(page, "jobs");
    assertThat(browser.consoleErrors()).as("errors logged by the pages").isEmpty();
  }

  /** Jobs → New job → every step of the wizard → the job's page; answers the job's id. */
  private static String runJobThroughWizard(Page page, String type, String target, String value, String name) {
    page.navigate(browser.base() + "/jobs");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New job")).click();
    page.getByLabel("Device group").selectOption(new com.microsoft.playwright.options.SelectOption()
        .setLabel("Refrigerated truck - All devices"));
    button(page, "Next").click();
    page.locator("#type-" + type).check();
    button(page, "Next").click();
    assertThat(page.getByLabel("Device template")).hasValue("dtmi:contoso:RefrigeratedTruck;1");
    page.getByLabel(type.equals("command") ? "Command" : "Property").selectOption(target);
    button(page, "Next").click();
    page.getByLabel(type.equals("command") ? "Delay (seconds)" : "Target temperature").fill(value);
    if (type.equals("property")) {
      browser.screenshot(page, "wizard-value");
    }
    button(page, "Next").click();
    button(page, "Next").click(); // delivery: all at once, no threshold
    button(page, "Next").click(); // now
    page.getByLabel("Job name").fill(name);
    assertThat(page.locator("#job-body")).containsText("\"path\": \"" + target + "\"");
    button(page, "Create job").click();
    page.waitForURL(url -> url.matches(".*/jobs/(?!new).+"));
    assertThat(page.locator("h1")).hasText(name);
    String url = page.url();
    return url.substring(url.lastIndexOf('/') + 1);
  }
}
