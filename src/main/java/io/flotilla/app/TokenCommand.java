package io.flotilla.app;

import io.flotilla.domain.auth.IssuedToken;
import io.flotilla.domain.auth.Role;
import io.flotilla.domain.auth.RoleAssignment;
import io.flotilla.domain.auth.TokenService;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlApplicationRepository;
import io.flotilla.storage.sql.SqlTokenRepository;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flotilla token create}: issues an API token straight into the database, for operators who lost theirs (the
 * administrator token is written only by the node that created the application, and never rotated by a start).
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens in the database.",
    subcommands = TokenCommand.Create.class)
final class TokenCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    new picocli.CommandLine(this).usage(System.out);
    return 0;
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Issue a new API token and print its Authorization header value (shown once).")
  static final class Create implements Callable<Integer> {
    @Option(names = "--role", required = true, description = "admin, builder or operator.")
    String role;

    @Option(names = "--id", description = "Token id (default: a new GUID).")
    String id;

    @Option(names = "--expiry-days", defaultValue = "365", description = "Days until it expires (default: 365).")
    int expiryDays;

    @Option(names = "--data-dir", defaultValue = "${env:FLOTILLA_DATA_DIR:-./data}",
        description = "Data directory holding the H2 database (when --db-url is not given).")
    Path dataDir;

    @Option(names = "--db-url", defaultValue = "${env:FLOTILLA_DB_URL:-}", description = "JDBC URL of the database.")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "${env:FLOTILLA_DB_USER:-}")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:FLOTILLA_DB_PASSWORD:-}")
    String dbPassword;

    PrintStream out = System.out;

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }

    @Override
    public Integer call() {
      Role r = switch (role.toLowerCase(Locale.ROOT)) {
        case "admin", "administrator" -> Role.ADMINISTRATOR;
        case "builder" -> Role.BUILDER;
        case "operator" -> Role.OPERATOR;
        default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
            "--role must be admin, builder or operator");
      };
      Config config = Config.forTests(dataDir).withDatabase(blankToNull(dbUrl), blankToNull(dbUser),
          blankToNull(dbPassword));
      Vertx vertx = Vertx.vertx();
      try (Database db = Database.open(vertx, config.effectiveDbUrl(), config.dbUser(), config.dbPassword(), null)) {
        var app = Bootstrap.await(new SqlApplicationRepository(db).find()).orElse(null);
        if (app == null) {
          System.err.println("This database has no Flotilla application yet: start the server once first.");
          return 1;
        }
        Clock clock = Clock.systemUTC();
        TokenService tokens = new TokenService(new SqlTokenRepository(db), app, clock);
        IssuedToken issued = Bootstrap.await(tokens.create(id == null ? UUID.randomUUID().toString() : id,
            List.of(new RoleAssignment(r, null)), clock.instant().plus(Duration.ofDays(expiryDays))));
        out.println(issued.headerValue());
        return 0;
      } finally {
        vertx.close();
      }
    }
  }
}
