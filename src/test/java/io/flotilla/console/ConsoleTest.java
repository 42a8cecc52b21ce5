package io.flotilla.console;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.flotilla.testing.ConsoleBrowser;
import io.flotilla.testing.TestServer;
import org.junit.jupiter.api.AfterAll;

/**
 * A console browser test class: one real server and one Chromium for all its tests (each subclass's
 * {@code @BeforeAll} starts them), closed after the last.
 */
abstract class ConsoleTest {
  protected static TestServer server;
  protected static ConsoleBrowser browser;

  @AfterAll
  static void stopConsole() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
    if (server != null) {
      server.close();
      server = null;
    }
  }

  static Locator button(Page page, String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  static Locator label(Page page, String text) {
    return page.getByLabel(text, new Page.GetByLabelOptions().setExact(true));
  }
}
