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
import java.io.IOException;
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
