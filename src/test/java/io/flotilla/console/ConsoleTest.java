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

  /** What an axe-style check finds on the page now: unlabelled controls, unnamed buttons and links, overflow. */
  @SuppressWarnings("unchecked")
  static java.util.List<String> accessibilityProblems(Page page) {
    return (java.util.List<String>) page.evaluate("""
        () => {
          const out = [];
          const named = (el) => (el.getAttribute('aria-label') || '').trim() || el.getAttribute('aria-labelledby')
            || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el.closest('label');
          for (const el of document.querySelectorAll('input, select, textarea')) {
            if (el.type !== 'hidden' && !el.hidden && !named(el)) out.push('unlabelled ' + el.outerHTML.slice(0, 80));
          }
          for (const el of document.querySelectorAll('button, a[href]')) {
            if (!(el.textContent.trim() || el.getAttribute('aria-label'))) out.push('unnamed ' + el.outerHTML.slice(0, 80));
          }
          const over = (e) => e.getBoundingClientRect().right > window.innerWidth + 1;
          if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('wider than the screen: '
            + document.documentElement.scrollWidth + ' (' + [...document.querySelectorAll('body *')]
              .filter((e) => over(e) && ![...e.children].some(over)).slice(0, 3).map((e) => e.outerHTML.slice(0, 120)).join(' | ') + ')');
          return out;
        }
        """);
  }
}
