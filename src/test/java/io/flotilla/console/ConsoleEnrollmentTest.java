package io.flotilla.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.flotilla.testing.ConsoleBrowser;
import io.flotilla.testing.TestServer;
import io.flotilla.testing.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The enrollment-groups page in Chromium against a real server: administrators (and builders) create, edit,
 * regenerate keys of and delete groups; operators, whom the role matrix gives no enrollment-group access, see neither
 * the page nor its link.
 */
class ConsoleEnrollmentTest extends ConsoleTest {

  @BeforeAll
  static void start() {
    ConsoleBrowser.assumeChromium();
    PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
    server = TestServer.start();
    browser = ConsoleBrowser.open(server.server().httpPort());
  }

  private static JsonNode group(String id) {
    return assertOk(server.api().get("/api/enrollmentGroups/" + id));
  }

  @Test
  void anAdministratorCreatesEditsRegeneratesKeysAndDeletesAGroup() {
    Page page = browser.signedIn(server.api().token(), "/enrollment-groups");
    page.onDialog(d -> d.accept());
    assertThat(page.locator("section[data-group='default-sas']")).containsText("SAS-IoT-Devices");

    label(page, "Group id").fill("line-7");
    label(page, "Display name").fill("Line 7");
    label(page, "Device type").selectOption("iotEdge");
    button(page, "Create group").click();
    Locator line7 = page.locator("section[data-group='line-7']");
    assertThat(line7).containsText("Line 7");
    assertThat(line7).containsText("IoT Edge devices");
    JsonNode created = group("line-7");
    assertThat(created.get("type").asText()).isEqualTo("iotEdge");
    String primary = created.at("/attestation/symmetricKey/primaryKey").asText();
    String secondary = created.at("/attestation/symmetricKey/secondaryKey").asText();
    assertThat(line7).containsText(primary);

    // the same id again is refused, not a silent replacement of the group and its keys
    label(page, "Group id").fill("line-7");
    label(page, "Display name").fill("Line 7 again");
    button(page, "Create group").click();
    assertThat(page.locator("form[aria-label='Create an enrollment group'] .error")).containsText("exists already");
    assertThat(group("line-7").get("displayName").asText()).isEqualTo("Line 7");
    assertThat(group("line-7").at("/attestation/symmetricKey/primaryKey").asText()).isEqualTo(primary);

    // edit: display name, type, enabled
    button(page, "Edit Line 7").click();
    Locator form = page.locator("form[aria-label='Edit Line 7']");
    form.getByLabel("Display name").fill("Line 7 (east)");
    form.getByLabel("Device type").selectOption("iot");
    form.getByRole(com.microsoft.playwright.options.AriaRole.SWITCH).uncheck();
    page.setViewportSize(390, 900);
    assertThat(accessibilityProblems(page)).isEmpty();
    page.setViewportSize(1280, 900);
    browser.screenshot(page, "enrollment-edit");
    form.getByText("Save").click();
    assertThat(line7).containsText("Line 7 (east)");
    assertThat(line7.locator("[data-enabled]")).hasText("disabled");
    JsonNode edited = group("line-7");
    assertThat(edited.get("displayName").asText()).isEqualTo("Line 7 (east)");
    assertThat(edited.get("type").asText()).isEqualTo("iot");
    assertThat(edited.get("enabled").asBoolean()).isFalse();

    // regenerate the primary key: a new one, the secondary kept
    button(page, "Regenerate the primary key of Line 7 (east)").click();
    page.waitForCondition(() -> !group("line-7").at("/attestation/symmetricKey/primaryKey").asText().equals(primary));
    String newPrimary = group("line-7").at("/attestation/symmetricKey/primaryKey").asText();
    assertThat(java.util.Base64.getDecoder().decode(newPrimary)).hasSize(32);
    assertThat(group("line-7").at("/attestation/symmetricKey/secondaryKey").asText()).isEqualTo(secondary);
    assertThat(line7).containsText(newPrimary);
    page.evaluate("() => window.scrollTo(0, 0)");
    browser.screenshot(page, "enrollment-groups");

    button(page, "Delete Line 7 (east)").click();
    assertThat(line7).hasCount(0);
    assertThat(server.api().get("/api/enrollmentGroups/line-7").status()).isEqualTo(404);
    assertThat(browser.consoleErrors()).as("errors logged by the pages").isEmpty();
    page.context().close();
  }

  @Test
  void aBuilderManagesGroupsAnOperatorSeesNone() {
    var api = server.api();
    Page builder = browser.signedIn(Tokens.create(api, Tokens.BUILDER), "/enrollment-groups");
    assertThat(builder.locator("#nav")).containsText("Enrollment groups");
    label(builder, "Group id").fill("by-builder");
    label(builder, "Display name").fill("By builder");
    button(builder, "Create group").click();
    assertThat(builder.locator("section[data-group='by-builder']")).containsText("By builder");
    builder.context().close();

    String operator = Tokens.create(api, Tokens.OPERATOR);
    Page page = browser.signedIn(operator, "/enrollment-groups");
    assertThat(page.locator("#nav")).not().containsText("Enrollment groups");
    assertThat(page.locator("main")).containsText("Your role (Operator) may not use this page.");
    assertThat(page.locator("section[data-group]")).hasCount(0);
    // the API agrees: enrollment groups hold keys, operators may not read them
    assertThat(api.as(operator).get("/api/enrollmentGroups").status()).isEqualTo(403);
    page.context().close();
  }
}
