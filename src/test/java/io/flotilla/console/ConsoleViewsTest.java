package io.flotilla.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ConsoleBrowser;
import io.flotilla.testing.TestServer;
import io.flotilla.testing.Tokens;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's views in Chromium against one real server: sign-in failures, what each role sees, the group filter
 * builder's live preview, forms generated from schemas, live telemetry, labelled controls on every page, narrow
 * screens, dark mode and the Content-Security-Policy.
 */
class ConsoleViewsTest extends ConsoleTest {
  private static final String TEMPLATE = "dtmi:flotilla:console:Thing;1";
  private static ApiClient api;

  @BeforeAll
  static void start() {
    ConsoleBrowser.assumeChromium();
    PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
    server = TestServer.start(c -> c.withSimTelemetryInterval(Duration.ofMillis(500)));
    api = server.api();
    assertOk(api.put("/api/deviceTemplates/" + TEMPLATE.replace(";", "%3B"), """
        {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "Thing",
         "capabilityModel": {"@id": "dtmi:flotilla:console:ThingModel;1", "@type": "Interface", "contents": [
           {"@type": "Telemetry", "name": "temperature", "schema": "double"},
           {"@type": "Property", "name": "setPoint", "displayName": "Set point", "schema": "double", "writable": true},
           {"@type": "Property", "name": "eco", "displayName": "Eco mode", "schema": "boolean", "writable": true},
           {"@type": "Property", "name": "fan", "displayName": "Fan", "writable": true, "schema": {"@type": "Enum",
             "valueSchema": "string", "enumValues": [{"name": "low", "enumValue": "low"},
             {"name": "high", "enumValue": "high"}]}},
           {"@type": ["Property", "Cloud"], "name": "site", "displayName": "Site", "schema": "string"},
           {"@type": "Command", "name": "configure", "displayName": "Configure", "request": {"name": "settings",
             "schema": {"@type": "Object", "fields": [
               {"name": "mode", "displayName": "Mode", "schema": {"@type": "Enum", "valueSchema": "string",
                 "enumValues": [{"name": "auto", "displayName": "Automatic", "enumValue": "auto"},
                 {"name": "manual", "displayName": "Manual", "enumValue": "manual"}]}},
               {"name": "force", "displayName": "Force", "schema": "boolean"},
               {"name": "level", "displayName": "Level", "schema": "double"}]}}}]}}
        """));
    for (int i = 1; i <= 6; i++) {
      assertOk(api.put("/api/devices/thing-0" + i, "{\"displayName\": \"Thing " + i + "\", \"template\": \""
          + TEMPLATE + "\", \"simulated\": " + (i <= 2) + "}"));
    }
    assertOk(api.put("/api/devices/other-1", "{\"displayName\": \"Other\"}"));
    browser = ConsoleBrowser.open(server.server().httpPort());
  }

  @Test
  void aRefusedTokenIsSaidSoWithTheRequestId() {
    Page page = browser.page(1280);
    page.navigate(browser.base() + "/jobs");
    label(page, "API token").fill("SharedAccessSignature sr=x&sig=bm9wZQ&skn=nobody&se=4102444800000");
    button(page, "Sign in").click();
    assertThat(page.getByRole(AriaRole.ALERT)).containsText("The server refused this token");
    assertThat(page.locator(".error .rid")).containsText("requestId ");
    assertThat(page.locator("[data-page]")).hasCount(0);
    browser.screenshot(page, "sign-in-refused");
    page.context().close();
  }

  @Test
  void anOperatorSeesOnlyWhatItMayDoAndA403IsReadable() {
    String operator = Tokens.create(api, Tokens.OPERATOR);
    Page page = browser.signedIn(operator, "/templates");
    assertThat(page.locator("#who")).containsText("Operator");
    assertThat(page.locator("#nav")).not().containsText("API tokens");
    assertThat(page.locator("#nav")).not().containsText("Enrollment groups");
    assertThat(page.locator("h1")).hasText("Device templates");
    assertThat(page.getByText("Import a DTDL JSON file")).hasCount(0);
    page.navigate(browser.base() + "/tokens");
    assertThat(page.locator("main")).containsText("may not use this page");
    // a role the browser believes it has, but the API refuses: the API's message, not a blank page
    page.evaluate("() => { const s = JSON.parse(sessionStorage.getItem('flotilla.session')); s.role = 'admin';"
        + " sessionStorage.setItem('flotilla.session', JSON.stringify(s)); }");
    page.navigate(browser.base() + "/tokens");
    assertThat(page.locator(".error")).containsText("The API token's role does not allow GET /api/apiTokens");
    assertThat(page.locator(".error .rid")).containsText("requestId ");
    page.context().close();

    Page builder = browser.signedIn(Tokens.create(api, Tokens.BUILDER), "/templates");
    assertThat(builder.locator("#who")).containsText("Builder");
    assertThat(builder.locator("#nav")).containsText("Enrollment groups");
    assertThat(builder.locator("#nav")).not().containsText("API tokens");
    assertThat(builder.getByText("Import a DTDL JSON file")).isVisible();
    button(builder, "Sign out").click();
    assertThat(label(builder, "API token")).isVisible();
    builder.context().close();
  }

  @Test
  void theFilterBuilderPreviewsTheMatchingDevicesAsTheFilterChanges() {
    Page page = browser.signedIn(api.token(), "/groups/new");
    assertThat(page.locator("#preview-count")).hasText("6 matching devices");
    assertThat(page.locator("#filter-text")).hasValue("SELECT * FROM devices WHERE $template = \"" + TEMPLATE + "\"");
    button(page, "Add a condition").click();
    label(page, "Condition 2 field").selectOption("$simulated");
    assertThat(page.locator("#preview-count")).hasText("2 matching devices");
    assertThat(page.locator("#preview tbody tr")).hasCount(2);
    label(page, "Match").selectOption("OR");
    assertThat(page.locator("#preview-count")).hasText("6 matching devices");
    label(page, "Condition 2 field").selectOption("$id");
    label(page, "Condition 2 operator").selectOption("contains");
    label(page, "Condition 2 value").fill("other");
    assertThat(page.locator("#filter-text")).hasValue("SELECT * FROM devices WHERE $template = \"" + TEMPLATE
        + "\" OR contains($id, \"other\")");
    assertThat(page.locator("#preview-count")).hasText("7 matching devices");
    page.locator("#filter-text").fill("SELECT * FROM devices WHERE $nonsense = 1");
    assertThat(page.locator("#preview .error")).containsText("requestId");
    page.locator("#filter-text").fill("SELECT * FROM devices WHERE $simulated = true");
    assertThat(page.locator("#preview-count")).hasText("2 matching devices");
    label(page, "Name").fill("Simulated things");
    browser.screenshot(page, "group-filter-builder");
    button(page, "Create group").click();
    assertThat(page.locator("main")).containsText("Simulated things");
    assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("Simulated things"))).containsText("2");
    page.context().close();
  }

  @Test
  void commandAndPropertyFormsComeFromTheSchemas() {
    Page page = browser.signedIn(api.token(), "/devices/thing-01");
    // writable properties: a number for a double, a switch for a boolean, a select for an enum; a cloud property
    assertThat(label(page, "Set point")).hasAttribute("type", "number");
    assertThat(page.getByRole(AriaRole.SWITCH, new Page.GetByRoleOptions().setName("Eco mode"))).isVisible();
    assertThat(label(page, "Fan")).hasJSProperty("tagName", "SELECT");
    label(page, "Set point").fill("21.5");
    page.getByRole(AriaRole.SWITCH, new Page.GetByRoleOptions().setName("Eco mode")).check();
    label(page, "Fan").selectOption("high");
    label(page, "Site").fill("Quay 4");
    button(page, "Save properties").click();
    assertThat(page.locator("tr[data-property='setPoint']")).containsText("21.5");
    assertThat(page.locator("tr[data-property='site']")).containsText("Quay 4");
    // the command's object request: a select, a switch and a number, and the device's answer
    assertThat(label(page, "Mode")).hasJSProperty("tagName", "SELECT");
    label(page, "Mode").selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("Manual"));
    page.getByRole(AriaRole.SWITCH, new Page.GetByRoleOptions().setName("Force")).check();
    label(page, "Level").fill("");
    button(page, "Run Configure").click();
    assertThat(page.locator("[data-answer='configure']")).containsText("Level: enter a number");
    label(page, "Level").fill("3");
    button(page, "Run Configure").click();
    assertThat(page.locator("[data-answer='configure'] .response-code")).hasText("200");
    var history = assertOk(api.get("/api/devices/thing-01/commands/configure")).get("value").get(0);
    assertThat(history.get("request").toString()).isEqualTo("{\"mode\":\"manual\",\"force\":true,\"level\":3}");
    browser.screenshot(page, "device-forms");
    page.context().close();
  }

  @Test
  void telemetryArrivesLiveOnTheDevicePage() {
    Page page = browser.signedIn(api.token(), "/devices/thing-02");
    assertThat(page.locator("#connection")).hasText("online");
    page.waitForFunction("() => Number(document.querySelector('[data-chart=temperature]')?.dataset.points ?? 0) >= 3");
    assertThat(page.locator("td[data-telemetry='temperature']")).hasText(java.util.regex.Pattern.compile("-?\\d"));
    assertThat(page.locator("[data-chart=temperature] canvas")).hasCount(1);
    browser.screenshot(page, "device-telemetry");
    // the device stream is one per page and closed with it
    page.navigate(browser.base() + "/devices");
    page.context().close();
  }

  @Test
  void everyPageHasLabelledControlsNamedButtonsAndFitsANarrowScreen() {
    Page page = browser.signedIn(api.token(), "/devices", 390);
    Response index = page.navigate(browser.base() + "/devices");
    assertThat(index.headers().get("content-security-policy")).contains("script-src 'self'")
        .doesNotContain("unsafe-inline");
    for (String path : List.of("/devices", "/devices/thing-01", "/templates", "/templates/" + TEMPLATE.replace(";",
        "%3B"), "/groups", "/groups/new", "/jobs", "/jobs/new", "/tokens", "/enrollment-groups")) {
      page.navigate(browser.base() + path);
      page.locator("[data-page]").waitFor();
      List<String> problems = accessibilityProblems(page);
      assertThat(problems).as(path).isEmpty();
    }
    page.navigate(browser.base() + "/devices");
    browser.screenshot(page, "devices-390px");
    page.context().close();

    // dark mode follows prefers-color-scheme
    Page dark = browser.signedIn(api.token(), "/devices");
    dark.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
    String darkBackground = (String) dark.evaluate("() => getComputedStyle(document.body).backgroundColor");
    dark.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
    String lightBackground = (String) dark.evaluate("() => getComputedStyle(document.body).backgroundColor");
    assertThat(darkBackground).isNotEqualTo(lightBackground);
    dark.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
    browser.screenshot(dark, "devices-dark");
    dark.context().close();
    assertThat(browser.consoleErrors()).as("errors logged by the pages (scripts, CSP)").isEmpty();
  }
}
