package io.flotilla.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium driven headless by Playwright, for the console's browser tests: one browser per test class, a
 * fresh context (its own sessionStorage) per sign-in. Tests skip, saying why, only where no Chromium is installed
 * ({@code .ci/run} installs it). Screenshots go to {@code target/console-screenshots/}, and also to
 * {@code docs/console/} when {@code -Dflotilla.console.screenshots=docs} (docs/console.md).
 */
public final class ConsoleBrowser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of(System.getProperty("flotilla.chromium", "/usr/bin/chromium"));
  private final Playwright playwright;
  private final Browser browser;
  private final String base;
  /** Messages the pages logged as errors (CSP violations, failed scripts), per page. */
  private final List<String> consoleErrors = new ArrayList<>();

  private ConsoleBrowser(String base) {
    this.base = base;
    this.playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    this.browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
        .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")));
  }

  /** Skips the calling test class (with the reason) when no Chromium is installed. */
  public static void assumeChromium() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "No Chromium at " + CHROMIUM
        + ": the console's browser tests are skipped (apt-get install chromium; .ci/run does)");
  }

  public static ConsoleBrowser open(int httpPort) {
    assumeChromium();
    return new ConsoleBrowser("http://127.0.0.1:" + httpPort);
  }

  public String base() {
    return base;
  }

  /** A new page of a new context (no session) at {@code width} x 900 px. */
  public Page page(int width) {
    BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, 900)
        .setLocale("en-GB").setTimezoneId("UTC"));
    context.setDefaultTimeout(15_000);
    Page page = context.newPage();
    page.onConsoleMessage(m -> {
      // an API answer of 4xx is the console's business (e.g. no telemetry value yet); scripts' errors and CSP
      // violations are not
      if ("error".equals(m.type()) && !m.text().startsWith("Failed to load resource: the server responded with a status of 4")) {
        synchronized (consoleErrors) {
          consoleErrors.add(m.text());
        }
      }
    });
    page.onPageError(e -> {
      synchronized (consoleErrors) {
        consoleErrors.add("page error: " + e);
      }
    });
    return page;
  }

  /** A page signed in with {@code token} at {@code path}, on a 1280 px wide screen. */
  public Page signedIn(String token, String path) {
    return signedIn(token, path, 1280);
  }

  public Page signedIn(String token, String path, int width) {
    Page page = page(width);
    page.navigate(base + path);
    page.getByLabel("API token").fill(token);
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Sign in")).click();
    page.locator("[data-page]").waitFor();
    return page;
  }

  public List<String> consoleErrors() {
    synchronized (consoleErrors) {
      return List.copyOf(consoleErrors);
    }
  }

  /** Saves a screenshot {@code name}.png (see the class comment for where). */
  public void screenshot(Page page, String name) {
    try {
      Path dir = Path.of("target", "console-screenshots");
      Files.createDirectories(dir);
      byte[] png = page.screenshot(new Page.ScreenshotOptions().setFullPage(false));
      Files.write(dir.resolve(name + ".png"), png);
      if ("docs".equals(System.getProperty("flotilla.console.screenshots"))) {
        Path docs = Path.of("docs", "console");
        Files.createDirectories(docs);
        Files.write(docs.resolve(name + ".png"), png);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
