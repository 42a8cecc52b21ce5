package io.flotilla.api.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The operator console (docs/console.md): static files from the jar, served by the API's server. Every page URL
 * ({@code /}, {@code /devices/truck-01}, {@code /jobs/new}, ...) answers the console's {@code index.html}, which reads
 * the rest from the URL; scripts, styles and the uPlot webjar come from {@code /console/}. Every answer carries a strict
 * Content-Security-Policy (nothing inline, nothing from another origin).
 */
final class ConsoleAssets {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";
  /** The console's page URLs (the first path segment); anything else outside /api stays a 404. */
  static final String PAGES = "^/(devices|templates|groups|jobs|tokens|enrollment-groups)(/[^/]+)*$";
  private static final long ASSET_MAX_AGE_SECONDS = 300;
  private static final long VENDOR_MAX_AGE_SECONDS = 86_400;

  private ConsoleAssets() {
  }

  static void install(Router router) {
    Buffer index = resource("console/index.html");
    router.get("/").handler(ctx -> page(ctx, index));
    router.getWithRegex(PAGES).handler(ctx -> {
      // a path whose dot segments the router resolved (/api/x/../../devices) is not a page: the 404 it was
      if (!ctx.request().path().equals(ctx.normalizedPath())) {
        ctx.next();
        return;
      }
      page(ctx, index);
    });
    router.get("/console/vendor/uplot/*").handler(ConsoleAssets::secure).handler(StaticHandler
        .create("META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist")
        .setMaxAgeSeconds(VENDOR_MAX_AGE_SECONDS).setDirectoryListing(false));
    router.get("/console/*").handler(ConsoleAssets::secure).handler(StaticHandler.create("console")
        .setMaxAgeSeconds(ASSET_MAX_AGE_SECONDS).setDirectoryListing(false).setIndexPage("index.html"));
  }

  private static void page(RoutingContext ctx, Buffer index) {
    headers(ctx);
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end(index);
  }

  private static void secure(RoutingContext ctx) {
    headers(ctx);
    ctx.next();
  }

  private static void headers(RoutingContext ctx) {
    ctx.response().putHeader("content-security-policy", CSP).putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer").putHeader("x-frame-options", "DENY");
  }

  private static Buffer resource(String path) {
    try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + path);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The uPlot webjar's version, from its Maven metadata (so an upgrade needs no code change). */
  static String uplotVersion() {
    Properties p = new Properties();
    try (InputStream in = ConsoleAssets.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("The uPlot webjar is missing from the class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }
}
