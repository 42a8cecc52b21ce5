package io.flotilla.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.testing.ScratchDirectories;
import io.flotilla.testing.ServerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.DeviceOptions;
import io.flotilla.testing.Templates;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server process is killed ({@code kill -9}) while a command job runs over connected devices, then restarted on
 * the same data directory: the job finishes, every device is accounted for exactly once, and no device received the
 * command twice (commands sent before the crash whose answers were not recorded fail as {@code Interrupted}).
 */
class CrashRecoveryTest {
  private static final int DEVICES = 300;
  private final Vertx vertx = Vertx.vertx();
  private final Map<String, AtomicInteger> commandsReceived = new ConcurrentHashMap<>();
  private final List<MqttClient> clients = new ArrayList<>();
  private Process server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.destroyForcibly();
    }
    vertx.close();
  }

  @Test
  void aKilledServerResumesTheJobAndCountsEveryDeviceOnce() throws Exception {
    Path dataDir = ScratchDirectories.create("flotilla-crash");
    ServerProcess first = ServerProcess.start(dataDir);
    server = first.process();
    ApiClient api = new ApiClient(first.httpPort(), Files.readString(dataDir.resolve("admin-token")).trim());
    String template = Templates.publishTruck(api, "Crash truck");
    Map<String, String> keys = new HashMap<>();
    for (int i = 0; i < DEVICES; i++) {
      String id = String.format("crash-%03d", i);
      assertThat(api.put("/api/devices/" + id, "{\"template\": \"" + template + "\"}").status()).isEqualTo(200);
      keys.put(id, api.get("/api/devices/" + id + "/credentials").json().at("/symmetricKey/primaryKey").asText());
    }
    assertThat(api.put("/api/deviceGroups/crash", "{\"displayName\": \"crash\", \"filter\": "
        + "\"SELECT * FROM devices WHERE $template = \\\"" + template + "\\\"\"}").status()).isEqualTo(200);
    connectAll(first.mqttPlainPort(), keys);

    // paced (30 devices a second: 10 s for the job) so that the kill lands inside it however loaded the machine is
    assertThat(api.put("/api/jobs/crash-job", """
        {"group": "crash", "batch": {"type": "number", "value": 25}, "rollout": {"maxPerMinute": 1800},
         "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}]}
        """.formatted(template)).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
        .until(() -> api.get("/api/jobs/crash-job").json().at("/progress/completed").asInt() >= DEVICES / 3);
    server.destroyForcibly().waitFor();
    api.close();
    clients.forEach(c -> c.disconnect());
    clients.clear();
    int sentBeforeCrash = commandsReceived.size();
    assertThat(sentBeforeCrash).as("commands received before the kill").isLessThan(DEVICES);

    ServerProcess second = ServerProcess.start(dataDir);
    server = second.process();
    ApiClient again = new ApiClient(second.httpPort(), Files.readString(dataDir.resolve("admin-token")).trim());
    await().atMost(Duration.ofSeconds(60))
        .until(() -> again.get("/api/jobs/crash-job").json().get("status").asText().equals("complete"));

    JsonNode job = again.get("/api/jobs/crash-job").json();
    List<JsonNode> rows = new ArrayList<>();
    String next = "/api/jobs/crash-job/devices?maxpagesize=100";
    while (next != null) {
      JsonNode page = next.startsWith("http") ? again.getAbs(next).json() : again.get(next).json();
      page.get("value").forEach(rows::add);
      next = page.has("nextLink") ? page.get("nextLink").asText() : null;
    }
    Set<String> ids = new HashSet<>();
    rows.forEach(r -> ids.add(r.get("id").asText()));
    assertThat(rows).hasSize(DEVICES);
    assertThat(ids).hasSize(DEVICES);
    assertThat(rows).allSatisfy(r -> assertThat(r.get("status").asText()).isIn("completed", "failed"));
    long completed = rows.stream().filter(r -> r.get("status").asText().equals("completed")).count();
    long failed = rows.stream().filter(r -> r.get("status").asText().equals("failed")).count();
    assertThat(job.at("/progress/completed").asLong()).isEqualTo(completed);
    assertThat(job.at("/progress/failed").asLong()).isEqualTo(failed);
    assertThat(job.at("/progress/total").asInt()).isEqualTo(DEVICES);
    // No device got the command twice: devices that answered before the crash are completed or Interrupted,
    // never dispatched again; the others were reached after the restart (offline ones fail DeviceNotOnline).
    assertThat(commandsReceived.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    for (JsonNode r : rows) {
      String id = r.get("id").asText();
      String code = r.at("/error/code").asText("");
      if (r.get("status").asText().equals("completed")) {
        assertThat(commandsReceived).as("completed means answered").containsKey(id);
      } else {
        // Claimed before the crash (it may or may not have left the server): Interrupted, never sent again; the
        // rest were tried after the restart, when no device was connected any more.
        assertThat(code).isIn("Interrupted", "DeviceNotOnline");
        if (commandsReceived.containsKey(id)) {
          assertThat(code).as("a device that got the command before the crash").isEqualTo("Interrupted");
        }
      }
    }
    assertThat(completed).isGreaterThanOrEqualTo(DEVICES / 3);
    again.close();
  }

  @Test
  void waitingDevicesAndPendingRetriesKeepTheirTimesAcrossAKill() throws Exception {
    Path dataDir = ScratchDirectories.create("flotilla-crash-wait");
    ServerProcess first = ServerProcess.start(dataDir);
    server = first.process();
    ApiClient api = new ApiClient(first.httpPort(), Files.readString(dataDir.resolve("admin-token")).trim());
    String template = Templates.publishTruck(api, "Sleepy truck");
    Map<String, String> keys = new HashMap<>();
    for (String id : List.of("flaky-0", "flaky-1", "sleepy-0", "sleepy-1")) {
      assertThat(api.put("/api/devices/" + id, "{\"template\": \"" + template + "\"}").status()).isEqualTo(200);
      keys.put(id, api.get("/api/devices/" + id + "/credentials").json().at("/symmetricKey/primaryKey").asText());
    }
    assertThat(api.put("/api/deviceGroups/sleepy", "{\"displayName\": \"sleepy\", \"filter\": "
        + "\"SELECT * FROM devices WHERE $template = \\\"" + template + "\\\"\"}").status()).isEqualTo(200);
    Map<String, String> flaky = Map.of("flaky-0", keys.get("flaky-0"), "flaky-1", keys.get("flaky-1"));
    answers.put("flaky-0", 500);
    answers.put("flaky-1", 500);
    connectAll(first.mqttPlainPort(), flaky);
    Instant started = Instant.now();
    assertThat(api.put("/api/jobs/sleepy-job", """
        {"group": "sleepy",
         "delivery": {"waitForConnection": "PT40S",
                      "retry": {"maxAttempts": 3, "backoff": "PT4S", "on": ["CommandFailed"]}},
         "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}]}
        """.formatted(template)).status()).isEqualTo(200);
    Map<String, Instant> due = new HashMap<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      for (String id : List.of("flaky-0", "flaky-1", "sleepy-0")) {
        JsonNode d = api.get("/api/jobs/sleepy-job/devices/" + id).json();
        if (!d.has("nextAttempt")) {
          return false;
        }
        due.put(id, Instant.parse(d.get("nextAttempt").asText()));
      }
      return true;
    });
    server.destroyForcibly().waitFor();
    api.close();
    clients.forEach(c -> c.disconnect());
    clients.clear();
    assertThat(due.get("sleepy-0")).as("the connection deadline").isAfterOrEqualTo(started.plusSeconds(39));

    answers.clear(); // from now on every device answers 200
    ServerProcess second = ServerProcess.start(dataDir);
    server = second.process();
    ApiClient again = new ApiClient(second.httpPort(), Files.readString(dataDir.resolve("admin-token")).trim());
    // sleepy-0 connects at once too: its deadline (40 s after the job started) leaves room for a slow restart
    connectAll(second.mqttPlainPort(), Map.of("flaky-0", keys.get("flaky-0"), "flaky-1", keys.get("flaky-1"),
        "sleepy-0", keys.get("sleepy-0")));
    await().atMost(Duration.ofSeconds(20)).until(() -> commandsReceived.get("flaky-0").get() == 2
        && commandsReceived.get("flaky-1").get() == 2);
    for (String id : flaky.keySet()) {
      assertThat(lastCommandAt.get(id)).as("%s: its retry never before its time", id).isAfterOrEqualTo(due.get(id));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> commandsReceived.containsKey("sleepy-0"));
    await().atMost(Duration.ofSeconds(90))
        .until(() -> again.get("/api/jobs/sleepy-job").json().get("status").asText().equals("complete"));
    JsonNode job = again.get("/api/jobs/sleepy-job").json();
    assertThat(job.at("/progress/completed").asInt()).isEqualTo(3);
    assertThat(job.at("/progress/failed").asInt()).isEqualTo(1);
    JsonNode never = again.get("/api/jobs/sleepy-job/devices/sleepy-1").json();
    assertThat(never.at("/error/code").asText()).isEqualTo("DeviceNotOnline");
    assertThat(Instant.parse(never.get("updated").asText())).as("not before its deadline")
        .isAfterOrEqualTo(started.plusSeconds(39));
    JsonNode retried = again.get("/api/jobs/sleepy-job/devices/flaky-0").json();
    assertThat(retried.get("attempts")).hasSize(2);
    assertThat(commandsReceived.get("sleepy-0").get()).isEqualTo(1);
    assertThat(commandsReceived).doesNotContainKey("sleepy-1");
    again.close();
  }

  private final Map<String, Integer> answers = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastCommandAt = new ConcurrentHashMap<>();

  private void connectAll(int port, Map<String, String> keys) {
    List<Future<?>> all = new ArrayList<>();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      String id = e.getKey();
      MqttClientOptions o = DeviceOptions.hub(id, e.getValue()).setAutoKeepAlive(true);
      MqttClient c = MqttClient.create(vertx, o);
      c.publishHandler(m -> {
        String topic = m.topicName();
        if (topic.startsWith("$iothub/methods/POST/")) {
          lastCommandAt.put(id, Instant.now());
          commandsReceived.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          String rid = topic.substring(topic.indexOf("?$rid=") + 6);
          int status = answers.getOrDefault(id, 200);
          vertx.setTimer(20, t -> c.publish("$iothub/methods/res/" + status + "/?$rid=" + rid, Buffer.buffer("{}"),
              MqttQoS.AT_MOST_ONCE, false, false));
        }
      });
      clients.add(c);
      all.add(c.connect(port, "127.0.0.1").compose(ack -> c.subscribe("$iothub/methods/POST/#", 0)));
    }
    Future.all(all).toCompletionStage().toCompletableFuture().join();
  }
}
