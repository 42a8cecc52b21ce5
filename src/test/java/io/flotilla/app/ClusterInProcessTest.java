package io.flotilla.app;

import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.cluster.ClusterSettings;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Fleets;
import io.flotilla.testing.PostgresDatabase;
import io.flotilla.testing.TestClock;
import io.flotilla.testing.WebhookReceiver;
import io.flotilla.gateway.mqtt.SasToken;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one cluster in this JVM (each its own Vert.x and Hazelcast member) on one PostgreSQL database:
 * simulated devices are spread over both, a command through either node's REST API reaches every device, jobs
 * created on one node run over devices of both, and a node that leaves hands its simulated devices to the other.
 * ({@code ClusterProcessesTest} does the same with three separate JVMs and kill -9.)
 */
class ClusterInProcessTest {
  private static final int DEVICES = 12;
  private static String db;
  private static Flotilla a;
  private static Flotilla b;
  private static ApiClient apiA;
  private static ApiClient apiB;
  private static String template;
  private static final List<String> ids = new ArrayList<>();
  private static int portA;
  private static int portB;

  @BeforeAll
  static void start() throws IOException {
    db = PostgresDatabase.jdbcUrl();
    portA = freePort();
    portB = freePort();
    a = node("node-a", portA);
    b = node("node-b", portB);
    apiA = new ApiClient(a.httpPort(), a.adminToken());
    apiB = new ApiClient(b.httpPort(), a.adminToken());
    template = Fleets.templateAndGroup(apiA, "cluster-trucks");
    for (int i = 0; i < DEVICES; i++) {
      String id = Devices.newId("cl");
      Devices.create(apiA, id, "{\"displayName\":\"Sim\",\"template\":\"" + template + "\",\"simulated\":true}");
      ids.add(id);
    }
  }

  static Flotilla node(String name, int clusterPort) throws IOException {
    Path dir = Files.createTempDirectory("flotilla-cluster-" + name);
    Config config = Config.forTests(dir).withDatabase(db, PostgresDatabase.user(), PostgresDatabase.password())
        .withNodeName(name);
    ClusterSettings settings = ClusterSettings.on("127.0.0.1", clusterPort,
        List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB)).withLease(Duration.ofSeconds(5));
    return Flotilla.start(config, new TestClock(), settings);
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static int reboot(ApiClient api, String id) {
    return api.post("/api/devices/" + id + "/commands/reboot", "{\"request\": 1, \"connectionTimeout\": 2}")
        .status();
  }

  @Test
  void devicesAreSpreadAndReachableThroughEveryNode() {
    for (String id : ids) {
      await().atMost(Duration.ofSeconds(30)).until(() -> reboot(apiA, id) == 201);
      assertThat(reboot(apiB, id)).as("through the other node, %s", id).isEqualTo(201);
    }
    JsonNode cluster = assertOk(apiB.get("/api/cluster"));
    assertThat(cluster.get("clustered").asBoolean()).isTrue();
    assertThat(cluster.get("node").asText()).isEqualTo("node-b");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode members = assertOk(apiA.get("/api/cluster")).get("members");
      assertThat(members).hasSize(2);
      int total = 0;
      for (JsonNode m : members) {
        assertThat(m.get("sessions").asInt()).as("each node simulates a share: %s", members).isPositive();
        total += m.get("sessions").asInt();
      }
      assertThat(total).isEqualTo(DEVICES);
    });
    JsonNode health = assertOk(apiA.get("/healthz"));
    assertThat(health.at("/cluster/members").asInt()).isEqualTo(2);
    assertThat(health.get("node").asText()).isEqualTo("node-a");
    assertThat(apiA.get("/metrics").text()).contains("node=\"node-a\"");
  }

  @Test
  void jobsCreatedOnOneNodeRunOverDevicesOfBoth() {
    for (String id : ids) {
      await().atMost(Duration.ofSeconds(30)).until(() -> reboot(apiA, id) == 201);
    }
    assertOk(apiB.put("/api/jobs/cluster-reboot", """
        {"displayName": "Reboot", "group": "cluster-trucks",
         "data": [{"type": "CommandJobData", "target": "%s", "path": "reboot", "value": 1}]}
        """.formatted(template)));
    JsonNode job = awaitFinal(apiA, "cluster-reboot");
    assertThat(job.get("status").asText()).isEqualTo("complete");
    assertThat(job.at("/progress/completed").asInt()).isEqualTo(DEVICES);

    assertOk(apiA.put("/api/jobs/cluster-target", """
        {"displayName": "Target", "group": "cluster-trucks",
         "data": [{"type": "PropertyJobData", "target": "%s", "path": "TargetTemperature", "value": -18.5}]}
        """.formatted(template)));
    assertThat(awaitFinal(apiB, "cluster-target").at("/progress/completed").asInt()).isEqualTo(DEVICES);
    for (String id : ids) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(assertOk(apiB.get("/api/devices/" + id
          + "/properties")).at("/TargetTemperature").asDouble()).as("reported by %s", id).isEqualTo(-18.5));
    }
  }

  /**
   * A command with a connection timeout for a device connected nowhere, sent through one node, reaches the device when
   * it connects to the other node (the call looks for it in the session directory while it waits).
   */
  @Test
  void aCommandWaitingForItsDeviceFindsItOnAnotherNode() throws Exception {
    String id = Devices.newId("late");
    Devices.create(apiA, id, "{\"displayName\":\"Late\",\"template\":\"" + template + "\"}");
    String key = assertOk(apiA.get("/api/devices/" + id + "/credentials")).at("/symmetricKey/primaryKey").asText();
    CompletableFuture<io.flotilla.testing.ApiClient.Response> answer = CompletableFuture.supplyAsync(() ->
        apiA.post("/api/devices/" + id + "/commands/reboot", "{\"request\": 7, \"connectionTimeout\": 30}"));
    // the call waits on node A (nothing else waits there) before the device connects to node B
    await().atMost(Duration.ofSeconds(10)).until(() -> apiA.get("/metrics").text()
        .contains("flotilla_cluster_calls_in_flight{node=\"node-a\"} 1.0"));
    Vertx vertx = Vertx.vertx();
    try {
      MqttClientOptions o = new MqttClientOptions().setSsl(true).setTrustAll(true).setClientId(id);
      o.setHostnameVerificationAlgorithm("");
      o.setUsername("127.0.0.1/" + id + "/?api-version=2021-04-12")
          .setPassword(SasToken.create("127.0.0.1/devices/" + id, key, Instant.now().plusSeconds(600), false));
      MqttClient device = MqttClient.create(vertx, o);
      device.publishHandler(m -> {
        String topic = m.topicName();
        if (topic.startsWith("$iothub/methods/POST/reboot/")) {
          String rid = topic.substring(topic.indexOf("$rid=") + 5);
          device.publish("$iothub/methods/res/200/?$rid=" + rid, Buffer.buffer("{\"rebooted\":true}"),
              MqttQoS.AT_MOST_ONCE, false, false);
        }
      });
      device.connect(b.mqttPort(), "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      device.subscribe("$iothub/methods/POST/#", 0).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      io.flotilla.testing.ApiClient.Response r = answer.get(40, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.text()).isEqualTo(201);
      assertThat(r.json().at("/responseCode").asInt()).isEqualTo(200);
      assertThat(r.json().at("/response/rebooted").asBoolean()).isTrue();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      apiA.delete("/api/devices/" + id); // the other tests count the group's devices
    }
  }

  /** Each export destination is delivered by one node: a job run by both nodes reaches the receiver once per event. */
  @Test
  void exportedJobEventsArePostedOnceThoughBothNodesRunTheJob() {
    try (WebhookReceiver receiver = WebhookReceiver.listening(WebhookReceiver.Mode.UP)) {
      assertOk(apiA.put("/api/dataExport/destinations/cluster-hook", """
          {"displayName": "Hook", "type": "webhook@v1", "url": "%s"}
          """.formatted(receiver.url("/hook"))));
      assertOk(apiB.put("/api/dataExport/exports/cluster-jobs", """
          {"displayName": "Jobs", "enabled": true, "source": "jobs", "destinations": [{"id": "cluster-hook"}]}
          """));
      for (String id : ids) {
        await().atMost(Duration.ofSeconds(30)).until(() -> reboot(apiA, id) == 201);
      }
      assertOk(apiA.put("/api/jobs/cluster-exported", """
          {"displayName": "Exported", "group": "cluster-trucks",
           "data": [{"type": "CommandJobData", "target": "%s", "path": "reboot", "value": 1}]}
          """.formatted(template)));
      assertThat(awaitFinal(apiB, "cluster-exported").at("/progress/completed").asInt()).isEqualTo(DEVICES);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deviceEvents(receiver, "cluster-exported")
          .stream().distinct().count()).isEqualTo(DEVICES));
      List<String> events = deviceEvents(receiver, "cluster-exported");
      assertThat(events).as("each device's event posted once").doesNotHaveDuplicates();
    }
  }

  /** The ids of the device events of one job that the receiver accepted, as often as they were posted. */
  private static List<String> deviceEvents(WebhookReceiver receiver, String jobId) {
    List<String> out = new ArrayList<>();
    for (WebhookReceiver.Received r : receiver.accepted()) {
      JsonNode m = r.json();
      if (m.path("jobId").asText().equals(jobId)) {
        for (JsonNode e : m.path("events")) {
          if (e.has("id")) {
            out.add(e.get("eventId").asText());
          }
        }
      }
    }
    return out;
  }

  @Test
  void aSecondNodeWithTheSameNameIsRefused() throws IOException {
    int port = freePort();
    Path dir = Files.createTempDirectory("flotilla-cluster-dup");
    Config config = Config.forTests(dir).withDatabase(db, PostgresDatabase.user(), PostgresDatabase.password())
        .withNodeName("node-a");
    ClusterSettings settings = ClusterSettings.on("127.0.0.1", port, List.of("127.0.0.1:" + portA));
    assertThatThrownBy(() -> Flotilla.start(config, new TestClock(), settings)).hasMessageContaining("node-a");
  }

  @Test
  void clusteringNeedsPostgres() throws IOException {
    Path dir = Files.createTempDirectory("flotilla-cluster-h2");
    ClusterSettings settings = ClusterSettings.on("127.0.0.1", 1, List.of());
    assertThatThrownBy(() -> Flotilla.start(Config.forTests(dir), new TestClock(), settings))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PostgreSQL");
  }

  static JsonNode awaitFinal(ApiClient api, String id) {
    JsonNode[] job = new JsonNode[1];
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      job[0] = assertOk(api.get("/api/jobs/" + id));
      return !Set.of("pending", "running").contains(job[0].get("status").asText());
    });
    return job[0];
  }

  static Set<String> unique(List<String> l) {
    return new HashSet<>(l);
  }
}
