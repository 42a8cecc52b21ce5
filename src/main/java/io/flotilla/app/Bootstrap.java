package io.flotilla.app;

import io.flotilla.domain.auth.Application;
import io.flotilla.domain.auth.ApplicationRepository;
import io.flotilla.domain.auth.IssuedToken;
import io.flotilla.domain.auth.Role;
import io.flotilla.domain.auth.RoleAssignment;
import io.flotilla.domain.auth.TokenRepository;
import io.flotilla.domain.auth.TokenService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** First start on an empty data directory: the application record and the administrator token. */
final class Bootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
  static final String ADMIN_TOKEN_FILE = "admin-token";
  static final String ADMIN_TOKEN_ID = "admin";

  private Bootstrap() {
  }

  static Application application(ApplicationRepository repo) {
    return await(repo.find()).orElseGet(() -> {
      byte[] scope = new byte[4];
      new SecureRandom().nextBytes(scope);
      Application app = new Application(UUID.randomUUID().toString(), "Flotilla",
          "0ne" + HexFormat.of().withUpperCase().formatHex(scope).substring(0, 8));
      await(repo.create(app));
      LOG.info("Created application {} (ID scope {})", app.id(), app.idScope());
      return app;
    });
  }

  /**
   * The administrator token: created once, with the application's first start, and written to the data directory of
   * the node that created it. A start never rotates it: a node whose data directory has no copy (another node of the
   * same database created it, or the file was deleted) starts without one and says how to issue a new token
   * ({@code flotilla token create}). Answers the header value, or null when this node has no copy.
   */
  static String adminToken(Path dataDir, TokenRepository repo, Application app, Clock clock) {
    Path file = dataDir.resolve(ADMIN_TOKEN_FILE);
    try {
      if (await(repo.find(ADMIN_TOKEN_ID)).isPresent()) {
        if (Files.exists(file)) {
          return Files.readString(file).trim();
        }
        LOG.info("The administrator token was issued before (by another node of this database, or this data "
            + "directory's copy was deleted); it is not rotated. Issue a new API token with: flotilla token create "
            + "--role admin");
        return null;
      }
      TokenService service = new TokenService(repo, app, clock);
      IssuedToken issued;
      try {
        issued = await(service.create(ADMIN_TOKEN_ID, List.of(new RoleAssignment(Role.ADMINISTRATOR, null)),
            clock.instant().plus(Duration.ofDays(3650))));
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof io.flotilla.domain.common.FlotillaException.Conflict) {
          LOG.info("Another node created the administrator token at the same moment; this node has no copy.");
          return null;
        }
        throw e;
      }
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(file, issued.headerValue() + "\n");
      LOG.info("Administrator API token written to {}", file.toAbsolutePath());
      return issued.headerValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> T await(io.vertx.core.Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }
}
