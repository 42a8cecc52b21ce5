package io.flotilla.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code flotilla token create}, and the administrator token never rotated by a start. */
class TokenCommandTest {
  @Test
  void aLostAdminTokenIsNotRotatedByARestartAndTheCliIssuesANewOne() throws Exception {
    TestServer server = TestServer.start();
    Path dir = server.dataDir();
    String admin = server.server().wiring().adminToken();
    assertThat(admin).isNotBlank();
    server.stop();

    // the data directory's copy is lost (or this is a second node's data directory): a start rotates nothing
    Files.delete(dir.resolve(Bootstrap.ADMIN_TOKEN_FILE));
    TestServer again = TestServer.restart(dir, c -> c);
    try {
      assertThat(again.server().wiring().adminToken()).as("no copy here").isNull();
      assertThat(Files.exists(dir.resolve(Bootstrap.ADMIN_TOKEN_FILE))).isFalse();
      ApiClient old = new ApiClient(again.server().wiring().httpPort(), admin);
      assertThat(old.get("/api/apiTokens").status()).as("the original token still works").isEqualTo(200);
      old.close();
    } finally {
      again.stop();
    }

    TokenCommand.Create create = new TokenCommand.Create();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    create.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    int code = new CommandLine(create).execute("--role", "operator", "--id", "ops-1", "--data-dir", dir.toString());
    assertThat(code).isZero();
    String operator = out.toString(StandardCharsets.UTF_8).trim();
    assertThat(operator).startsWith("SharedAccessSignature ").contains("skn=ops-1");
    assertThat(new CommandLine(new TokenCommand.Create()).execute("--role", "chief", "--data-dir", dir.toString()))
        .isNotZero();

    TestServer third = TestServer.restart(dir, c -> c);
    try {
      ApiClient ops = new ApiClient(third.server().wiring().httpPort(), operator);
      assertThat(ops.get("/api/devices").status()).isEqualTo(200);
      assertThat(ops.get("/api/apiTokens").status()).as("an operator is not an administrator").isEqualTo(403);
      ops.close();
    } finally {
      third.close();
    }
  }
}
