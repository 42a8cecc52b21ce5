package io.flotilla.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A server in a JVM of its own (on the test class path), for tests that kill it with SIGKILL. */
public record ServerProcess(Process process, int httpPort, int mqttPlainPort) {

  /** Starts the process and returns at once (before it listens); {@code jvmOptions} go before the main class. */
  public static Process launch(Path dataDir, String... jvmOptions) throws Exception {
    Files.deleteIfExists(dataDir.resolve("ports.json"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.flotilla.app.Main", "serve",
        "--data-dir", dataDir.toString(), "--bind", "127.0.0.1", "--http-port", "0", "--mqtt-port", "0",
        "--mqtt-plain-port", "0", "--mqtt-ws-port", "-1", "--device-https-port", "0"));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(new File(dataDir.toFile(), "server-" + System.nanoTime() + ".log"))
        .start();
  }

  /** Starts the process and waits until it listens (it wrote its ports). */
  public static ServerProcess start(Path dataDir) throws Exception {
    return listening(launch(dataDir), dataDir, Duration.ofSeconds(60));
  }

  /** Waits until {@code p} listens; fails if it exits first or takes longer than {@code timeout}. */
  public static ServerProcess listening(Process p, Path dataDir, Duration timeout) throws Exception {
    Path ports = dataDir.resolve("ports.json");
    await().atMost(timeout).until(() -> (Files.exists(ports) && Files.size(ports) > 0) || !p.isAlive());
    assertThat(p.isAlive()).as("the server process is running (see its log in %s)", dataDir).isTrue();
    JsonNode json = ApiClient.JSON.readTree(Files.readString(ports));
    assertThat(json.has("mqttPlain")).as("ports.json names the plain MQTT port: " + json).isTrue();
    return new ServerProcess(p, json.get("http").asInt(), json.get("mqttPlain").asInt());
  }
}
