package io.flotilla.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.DeviceOptions;
import io.flotilla.testing.Fleets;
import io.flotilla.testing.StoppablePostgres;
import io.flotilla.testing.TestServer;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL outage of 20 s (issue 16; {@code -Dflotilla.outage.seconds} to change it) in the middle of a
 * 10,000-device property job and of a command job over connected devices, both provably in progress (each had devices
 * completed before the outage, asserted from the API as the database goes down and from the rows' times after, and
 * devices completed only after it). While the database is down: REST answers
 * 503 {@code ServiceUnavailable} with {@code Retry-After} in the error shape, promptly (no 500, no hang), {@code
 * /healthz} is 503, the device sessions stay connected, telemetry is acknowledged and kept in memory (bounded). After
 * it: both jobs finish with every device exactly once, no device got its command twice, and everything acknowledged
 * before the outage (and the telemetry taken during it) reads back. Figures go to {@code target/outage/postgres.txt}.
 */
class PostgresOutageTest {
  private static final int PROPERTY_DEVICES = 10_000;
  private static final int COMMAND_DEVICES = 120;
  private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("flotilla.outage.seconds", 20));
  /** A request answered later than this during the outage counts as a hang. */
  private static final Duration PROMPT = Duration.ofSeconds(10);

  private final Vertx vertx = Vertx.vertx();
  private final List<MqttClient> clients = new ArrayList<>();
  private final Map<String, AtomicInteger> commandsReceived = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void restAnswers503DuringAnOutageAndBothJobsFinishEveryDeviceOnceAfterIt() throws Exception {
    try (StoppablePostgres pg = StoppablePostgres.start();
        TestServer server = TestServer.start(c -> c.withDatabase(pg.jdbcUrl(), "postgres", "postgres"))) {
      ApiClient api = server.api();
      String propertyTemplate = Fleets.templateAndGroup(api, "outage-properties");
      Fleets.register(server, propertyTemplate, "prop", PROPERTY_DEVICES, Set.of());
      String commandTemplate = Fleets.templateAndGroup(api, "outage-commands");
      Map<String, String> keys = new TreeMap<>();
      for (int i = 0; i < COMMAND_DEVICES; i++) {
        String id = String.format("cmd-%03d", i);
        assertThat(api.put("/api/devices/" + id, "{\"template\": \"" + commandTemplate + "\"}").status())
            .isEqualTo(200);
        keys.put(id, api.get("/api/devices/" + id + "/credentials").json().at("/symmetricKey/primaryKey").asText());
      }
      int mqttPort = server.server().wiring().gateway().gateway().loopbackPlainPort()
          .toCompletionStage().toCompletableFuture().join();
      connectAll(mqttPort, keys);

      // Acknowledged before the outage: a desired value (202) and a cloud property
      assertThat(api.put("/api/devices/cmd-000/properties", "{\"TargetTemperature\": 3.5}").status()).isEqualTo(202);
      assertThat(api.put("/api/devices/acked-before", "{\"displayName\": \"acked\"}").status()).isEqualTo(200);

      assertThat(api.put("/api/jobs/outage-properties", """
          {"group": "outage-properties", "rollout": {"maxPerMinute": 60000},
           "data": [{"type": "property", "target": "%s", "path": "TargetTemperature", "value": 21}]}
          """.formatted(propertyTemplate)).status()).isEqualTo(200);
      assertThat(api.put("/api/jobs/outage-commands", """
          {"group": "outage-commands", "rollout": {"maxPerMinute": 600},
           "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 1}]}
          """.formatted(commandTemplate)).status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() ->
          completed(api, "outage-properties") >= 1_000 && completed(api, "outage-commands") >= 10);

      // ---- the outage, while both jobs are in progress (their pace leaves them 9 s and 11 s of work at least) ----
      int propertiesAtStop = completed(api, "outage-properties");
      int commandsAtStop = completed(api, "outage-commands");
      assertThat(propertiesAtStop).as("property devices completed as the database goes down").isPositive()
          .isLessThan(PROPERTY_DEVICES);
      assertThat(commandsAtStop).as("command devices completed as the database goes down").isPositive()
          .isLessThan(COMMAND_DEVICES);
      Instant downAt = server.clock().instant();
      long stopping = System.nanoTime();
      pg.stop();
      long outageStart = System.nanoTime();
      stopping = outageStart - stopping;
      List<String> answers = new ArrayList<>();
      long slowest = 0;
      int probes = 0;
      boolean telemetrySent = false;
      while (System.nanoTime() - outageStart < OUTAGE.toNanos()) {
        for (String[] probe : new String[][] {{"GET", "/api/devices/cmd-001"}, {"PUT", "/api/devices/during"},
            {"GET", "/api/jobs/outage-properties"}, {"GET", "/healthz"}}) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = call(server, api.token(), probe[0], probe[1]);
          long took = System.nanoTime() - t0;
          slowest = Math.max(slowest, took);
          probes++;
          assertThat(Duration.ofNanos(took)).as("%s %s answered promptly", probe[0], probe[1]).isLessThan(PROMPT);
          assertThat(r.statusCode()).as("%s %s during the outage: %s", probe[0], probe[1], r.body()).isEqualTo(503);
          assertThat(r.headers().firstValue("retry-after")).as("Retry-After").isPresent();
          if (!probe[1].equals("/healthz")) {
            JsonNode error = ApiClient.JSON.readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("ServiceUnavailable");
            assertThat(r.headers().firstValue("x-ms-error-code")).hasValue("ServiceUnavailable");
            assertThat(error.get("requestId").asText()).isNotBlank();
          }
          answers.add(probe[0] + " " + r.statusCode());
        }
        assertThat(clients).as("device sessions stay connected").allSatisfy(c -> assertThat(c.isConnected()).isTrue());
        if (!telemetrySent) {
          // taken (PUBACK) and kept in memory until the database is back
          clients.get(1).publish("devices/cmd-001/messages/events/", Buffer.buffer("{\"temperature\": 77.5}"),
              MqttQoS.AT_LEAST_ONCE, false, false).toCompletionStage().toCompletableFuture().join();
          telemetrySent = true;
        }
      }
      // the publish future completes when the message is written; the PUBACK comes after the server took it
      await().atMost(Duration.ofSeconds(5)).until(() ->
          server.server().wiring().gateway().telemetry().unsavedCount() > 0);
      pg.startAgain();
      Instant upAt = server.clock().instant();
      long outage = System.nanoTime() - outageStart;

      // ---- after it ----
      await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/healthz").status() == 200);
      long recovered = System.nanoTime() - outageStart - outage;
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
          status(api, "outage-properties").equals("complete") && status(api, "outage-commands").equals("complete"));

      List<JsonNode> properties = rows(api, "outage-properties");
      assertThat(properties).hasSize(PROPERTY_DEVICES);
      assertThat(ids(properties)).hasSize(PROPERTY_DEVICES);
      assertThat(properties).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("completed"));
      // the outage landed inside the job: devices completed before it and devices completed only after it
      long propertiesBefore = updatedBefore(properties, downAt);
      long propertiesAfter = updatedAfter(properties, upAt);
      assertThat(propertiesBefore).as("property devices completed before the outage").isPositive()
          .isGreaterThanOrEqualTo(propertiesAtStop);
      assertThat(propertiesAfter).as("property devices completed after the outage").isPositive();
      JsonNode propertyJob = api.get("/api/jobs/outage-properties").json();
      assertThat(propertyJob.at("/progress/completed").asInt()).isEqualTo(PROPERTY_DEVICES);
      assertThat(propertyJob.at("/progress/total").asInt()).isEqualTo(PROPERTY_DEVICES);
      for (int i = 1; i <= PROPERTY_DEVICES; i += 499) { // a sample across the outage: the desired value is stored
        assertThat(api.get(String.format("/api/devices/prop-%05d/properties", i)).json()
            .at("/$metadata/TargetTemperature/desiredValue").asDouble()).isEqualTo(21.0);
      }

      List<JsonNode> commands = rows(api, "outage-commands");
      assertThat(commands).hasSize(COMMAND_DEVICES);
      assertThat(ids(commands)).hasSize(COMMAND_DEVICES);
      long commandsBefore = updatedBefore(commands, downAt);
      long commandsAfter = updatedAfter(commands, upAt);
      assertThat(commandsBefore).as("command devices finished before the outage").isPositive();
      assertThat(commandsAfter).as("command devices finished after the outage").isPositive();
      assertThat(commandsReceived.values()).as("no device got the command twice")
          .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
      for (JsonNode r : commands) {
        String id = r.get("id").asText();
        if (r.get("status").asText().equals("completed")) {
          assertThat(commandsReceived).as("completed means answered").containsKey(id);
        } else {
          // a command whose answer could not be recorded while the database was down, never sent again
          assertThat(r.get("status").asText()).isEqualTo("failed");
          assertThat(r.at("/error/code").asText()).isEqualTo("Interrupted");
        }
      }
      JsonNode commandJob = api.get("/api/jobs/outage-commands").json();
      assertThat(commandJob.at("/progress/completed").asInt() + commandJob.at("/progress/failed").asInt())
          .isEqualTo(COMMAND_DEVICES);

      // nothing acknowledged is lost; what was taken during the outage arrives
      assertThat(api.get("/api/devices/acked-before").json().get("displayName").asText()).isEqualTo("acked");
      assertThat(api.get("/api/devices/cmd-000/properties").json().at("/$metadata/TargetTemperature/desiredValue")
          .asDouble()).isEqualTo(3.5);
      await().atMost(Duration.ofSeconds(10)).until(() ->
          api.get("/api/devices/cmd-001/telemetry/temperature").status() == 200);
      assertThat(api.get("/api/devices/cmd-001/telemetry/temperature").json().get("value").asDouble())
          .isEqualTo(77.5);
      assertThat(api.get("/api/devices/during").status()).as("a write refused with 503 did not happen")
          .isEqualTo(404);
      assertThat(clients).allSatisfy(c -> assertThat(c.isConnected()).isTrue());

      long failedCommands = commands.stream().filter(r -> r.get("status").asText().equals("failed")).count();
      Path dir = Path.of("target", "outage");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("postgres.txt"), String.format("""
          outage %d s (database stopped, in %d ms, and started on the same data directory)
          during it: %d REST probes, all 503 with Retry-After (%s), slowest %d ms; %d sessions stayed connected
          healthy again %d ms after the restart
          property job: %d devices, %d completed when the database stopped (rows updated before it: %d, after: %d)
          all %d property devices completed after it, each once
          command job: %d devices, %d completed when the database stopped (rows updated before it: %d, after: %d)
          %d commands completed, %d Interrupted, none received twice
          """, Duration.ofNanos(outage).toSeconds(), stopping / 1_000_000, probes,
          answers.stream().distinct().sorted().toList(), slowest / 1_000_000, clients.size(), recovered / 1_000_000,
          PROPERTY_DEVICES, propertiesAtStop, propertiesBefore, propertiesAfter, PROPERTY_DEVICES, COMMAND_DEVICES,
          commandsAtStop, commandsBefore, commandsAfter, COMMAND_DEVICES - failedCommands, failedCommands));
      clients.forEach(MqttClient::disconnect);
    }
  }

  private HttpResponse<String> call(TestServer server, String token, String method, String path)
      throws IOException, InterruptedException {
    String uri = "http://127.0.0.1:" + server.server().httpPort() + path
        + (path.startsWith("/api/") ? "?api-version=" + ApiClient.VERSION : "");
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(PROMPT.plusSeconds(5))
        .header("Authorization", token);
    b = method.equals("PUT") ? b.PUT(HttpRequest.BodyPublishers.ofString("{\"displayName\": \"d\"}"))
        .header("content-type", "application/json") : b.GET();
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int completed(ApiClient api, String job) {
    return api.get("/api/jobs/" + job).json().at("/progress/completed").asInt();
  }

  private static String status(ApiClient api, String job) {
    return api.get("/api/jobs/" + job).json().path("status").asText();
  }

  private static List<JsonNode> rows(ApiClient api, String job) {
    List<JsonNode> rows = new ArrayList<>();
    String next = "/api/jobs/" + job + "/devices?maxpagesize=100";
    while (next != null) {
      JsonNode page = next.startsWith("http") ? api.getAbs(next).json() : api.get(next).json();
      page.get("value").forEach(rows::add);
      next = page.has("nextLink") ? page.get("nextLink").asText() : null;
    }
    return rows;
  }

  /** Rows the server last updated before {@code t} (its clock). */
  private static long updatedBefore(List<JsonNode> rows, Instant t) {
    return rows.stream().filter(r -> Instant.parse(r.get("updated").asText()).isBefore(t)).count();
  }

  /** Rows the server last updated after {@code t} (its clock). */
  private static long updatedAfter(List<JsonNode> rows, Instant t) {
    return rows.stream().filter(r -> Instant.parse(r.get("updated").asText()).isAfter(t)).count();
  }

  private static Set<String> ids(List<JsonNode> rows) {
    Set<String> ids = new HashSet<>();
    rows.forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  private void connectAll(int port, Map<String, String> keys) {
    List<Future<?>> all = new ArrayList<>();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      String id = e.getKey();
      MqttClientOptions o = DeviceOptions.hub(id, e.getValue()).setKeepAliveInterval(10).setAutoKeepAlive(true);
      MqttClient c = MqttClient.create(vertx, o);
      c.publishHandler(m -> {
        String topic = m.topicName();
        if (topic.startsWith("$iothub/methods/POST/")) {
          commandsReceived.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          String rid = topic.substring(topic.indexOf("?$rid=") + 6);
          c.publish("$iothub/methods/res/200/?$rid=" + rid, Buffer.buffer("{}"), MqttQoS.AT_MOST_ONCE, false,
              false);
        }
      });
      clients.add(c);
      all.add(c.connect(port, "127.0.0.1").compose(ack -> c.subscribe("$iothub/methods/POST/#", 0)));
    }
    Future.all(all).toCompletionStage().toCompletableFuture().join();
  }
}
