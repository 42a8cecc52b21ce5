package io.flotilla.app;

import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Fleets;
import io.flotilla.testing.PostgresDatabase;
import io.flotilla.testing.ScratchDirectories;
import io.flotilla.testing.SdkTwinRequests;
import io.flotilla.testing.Templates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.FileInputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three Flotilla nodes in three JVMs on one PostgreSQL, joined in a cluster; each listens for devices on port 8883 of
 * its own loopback address (127.0.0.1, .2, .3), as the Azure IoT device SDK needs. Real SDK devices connect to
 * different nodes and 5,000 simulated devices spread over all three. Commands through every node reach every device,
 * jobs cover devices of all nodes, and a node killed with kill -9 in the middle of a 5,000-device command job is
 * survived: the job completes on the others with every device exactly once, its simulated devices come back on the
 * survivors, and its SDK device, reconnected to another node (as a TCP load balancer would), gets its pending update.
 */
@Tag("sdk")
class ClusterProcessesTest {
  private static final int SIMULATED = Integer.getInteger("flotilla.cluster.devices", 5_000);
  private final List<Node> nodes = new ArrayList<>();
  private final List<DeviceClient> clients = new ArrayList<>();
  private final Map<String, AtomicInteger> sdkCommands = new ConcurrentHashMap<>();
  private final Map<String, DeviceClient> byDevice = new ConcurrentHashMap<>();

  @AfterEach
  void tearDown() {
    for (DeviceClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException e) {
        // already closed
      }
    }
    nodes.forEach(n -> n.process.destroyForcibly());
    String keep = System.getProperty("flotilla.cluster.logs");
    if (keep != null) {
      for (Node n : nodes) {
        try {
          Files.createDirectories(Path.of(keep));
          Files.copy(n.dataDir.resolve("server.log"), Path.of(keep, "node-" + n.number + ".log"),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
          // best effort
        }
      }
    }
  }

  @Test
  void threeNodesShareDevicesAndJobsAndSurviveTheLossOfOne() throws Exception {
    String db = PostgresDatabase.jdbcUrl();
    int[] hz = {freePort(), freePort(), freePort()};
    nodes.add(Node.start(1, db, hz));
    ApiClient api1 = nodes.get(0).api(Node.adminToken(nodes.get(0)));
    String token = api1.token();
    String template = Templates.publishTruck(api1, "Cluster truck");
    assertOk(api1.put("/api/deviceGroups/fleet", """
        {"displayName": "fleet", "filter": "SELECT * FROM devices WHERE $template = \\"%s\\""}
        """.formatted(template)));
    insertSimulated(db, template);
    nodes.add(Node.start(2, db, hz));
    nodes.add(Node.start(3, db, hz));
    List<ApiClient> apis = List.of(api1, nodes.get(1).api(token), nodes.get(2).api(token));

    // one SDK device on each node
    SSLContext trust = trustAll(nodes);
    List<String> sdk = List.of("sdk-1", "sdk-2", "sdk-3");
    Map<String, String> keys = new ConcurrentHashMap<>();
    for (String id : sdk) {
      assertOk(api1.put("/api/devices/" + id, "{\"template\": \"" + template + "\"}"));
      keys.put(id, assertOk(api1.get("/api/devices/" + id + "/credentials")).at("/symmetricKey/primaryKey").asText());
    }
    for (int i = 0; i < 3; i++) {
      connect(sdk.get(i), i + 1, keys.get(sdk.get(i)), trust);
    }
    await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      JsonNode members = assertOk(api1.get("/api/cluster")).get("members");
      assertThat(members).hasSize(3);
      int total = 0;
      for (JsonNode m : members) {
        assertThat(m.get("sessions").asInt()).as("every node holds sessions: %s", members).isGreaterThan(1);
        total += m.get("sessions").asInt();
      }
      assertThat(total).isEqualTo(SIMULATED + 3);
    });

    // a command through every node's REST API reaches every SDK device, wherever it is connected
    for (ApiClient api : apis) {
      for (String id : sdk) {
        ApiClient.Response sent = api.post("/api/devices/" + id + "/commands/reboot", "{\"request\": 7}");
        assertThat(sent.status()).as("%s through port %d: %s", id, api.port(), sent.text()).isEqualTo(201);
        JsonNode r = sent.json();
        assertThat(r.get("responseCode").asInt()).isEqualTo(200);
        assertThat(r.path("response").toString()).contains("delay").contains("7");
      }
    }
    assertThat(sdkCommands.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(3));

    // a command job and a property job over the devices of all three nodes
    assertOk(apis.get(1).put("/api/jobs/all-reboot", job("CommandJobData", template, "reboot", "1", "")));
    JsonNode reboot = awaitFinal(apis.get(2), "all-reboot", 120);
    assertThat(reboot.get("status").asText()).isEqualTo("complete");
    assertThat(reboot.at("/progress/completed").asInt()).isEqualTo(SIMULATED + 3);
    assertOk(apis.get(2).put("/api/jobs/all-target", job("PropertyJobData", template, "TargetTemperature", "-20",
        "")));
    assertThat(awaitFinal(api1, "all-target", 120).at("/progress/completed").asInt()).isEqualTo(SIMULATED + 3);
    for (String id : sdk) {
      assertThat(desired(id, "TargetTemperature")).as(id).isEqualTo(-20.0);
    }

    // kill -9 of node 2 in the middle of a paced command job over all devices
    int before = sdkCommands.values().stream().mapToInt(AtomicInteger::get).sum();
    assertOk(api1.put("/api/jobs/failover", job("CommandJobData", template, "reboot", "2",
        "\"rollout\": {\"maxPerMinute\": 30000}, \"delivery\": {\"waitForConnection\": \"PT90S\"},")));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
        api1.get("/api/jobs/failover").json().at("/progress/completed").asInt() >= SIMULATED / 4);
    nodes.get(1).process.destroyForcibly().waitFor();
    long killedAt = System.nanoTime();
    clients.get(1).close();
    // an update for the device of the dead node, while it is offline; it reconnects through another node
    assertThat(api1.patch("/api/devices/sdk-2/properties", "{\"TargetTemperature\": -25}").status())
        .as("accepted for a device that is offline").isIn(200, 202);
    connect("sdk-2", 3, keys.get("sdk-2"), trust);

    JsonNode failover = awaitFinal(api1, "failover", 180);
    Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(failover.get("status").asText()).isEqualTo("complete");
    List<JsonNode> rows = results(apis.get(2), "failover");
    Set<String> ids = new HashSet<>();
    rows.forEach(r -> ids.add(r.get("id").asText()));
    assertThat(rows).hasSize(SIMULATED + 3);
    assertThat(ids).as("every device exactly once").hasSize(SIMULATED + 3);
    List<JsonNode> failed = rows.stream().filter(r -> r.get("status").asText().equals("failed")).toList();
    assertThat(failed).allSatisfy(r -> assertThat(r.at("/error/code").asText()).isEqualTo("Interrupted"));
    assertThat(failed.size()).as("only those in flight on the dead node").isLessThan(SIMULATED / 4);
    assertThat(failover.at("/progress/completed").asInt()).isEqualTo(SIMULATED + 3 - failed.size());
    assertThat(sdkCommands.values().stream().mapToInt(AtomicInteger::get).sum() - before)
        .as("each SDK device got the command at most once").isLessThanOrEqualTo(3);
    System.out.printf("failover job finished %d s after the kill; %d devices Interrupted%n", took.toSeconds(),
        failed.size());

    // the dead node's simulated devices are back on the survivors, and sdk-2 got its pending update
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonNode members = assertOk(api1.get("/api/cluster")).get("members");
      assertThat(members).hasSize(2);
      int total = 0;
      for (JsonNode m : members) {
        total += m.get("sessions").asInt();
      }
      assertThat(total).isEqualTo(SIMULATED + 3);
    });
    assertThat(desired("sdk-2", "TargetTemperature")).isEqualTo(-25.0);
    ApiClient.Response last = apis.get(2).post("/api/devices/sdk-2/commands/reboot", "{\"request\": 1}");
    assertThat(last.status()).as(last.text()).isEqualTo(201);
    assertThat(last.json().get("responseCode").asInt()).isEqualTo(200);
  }

  private static String job(String type, String template, String path, String value, String extra) {
    return """
        {"displayName": "%s", "group": "fleet", %s
         "data": [{"type": "%s", "target": "%s", "path": "%s", "value": %s}]}
        """.formatted(path, extra, type, template, path, value);
  }

  private static JsonNode awaitFinal(ApiClient api, String id, int seconds) {
    JsonNode[] job = new JsonNode[1];
    await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200)).until(() -> {
      job[0] = assertOk(api.get("/api/jobs/" + id));
      return !Set.of("pending", "running").contains(job[0].get("status").asText());
    });
    return job[0];
  }

  private static List<JsonNode> results(ApiClient api, String jobId) {
    List<JsonNode> rows = new ArrayList<>();
    String next = "/api/jobs/" + jobId + "/devices?maxpagesize=100";
    while (next != null) {
      JsonNode page = assertOk(next.startsWith("http") ? api.getAbs(next) : api.get(next));
      page.get("value").forEach(rows::add);
      next = page.has("nextLink") ? page.get("nextLink").asText() : null;
    }
    return rows;
  }

  /** The desired value the device reads from its twin (through the node it is connected to). */
  private double desired(String deviceId, String name) throws Exception {
    DeviceClient client = byDevice.get(deviceId);
    double[] value = new double[1];
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Twin twin = SdkTwinRequests.twin(SdkTwinRequests.getTwin(client).get(10, TimeUnit.SECONDS));
      Object v = twin.getDesiredProperties().get(name);
      assertThat(v).isInstanceOf(Number.class);
      value[0] = ((Number) v).doubleValue();
    });
    return value[0];
  }

  private void connect(String id, int node, String key, SSLContext trust) throws Exception {
    DeviceClient client = new DeviceClient("HostName=127.0.0." + node + ";DeviceId=" + id + ";SharedAccessKey="
        + key, IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(trust).build());
    client.open(true);
    client.subscribeToMethods((name, payload, ctx) -> {
      sdkCommands.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      return new DirectMethodResponse(200, "{\"delay\":" + payload.getPayloadAsJsonString() + "}");
    }, null);
    client.subscribeToDesiredProperties((twin, ctx) -> { }, null);
    clients.add(client);
    byDevice.put(id, client);
  }

  private static void insertSimulated(String db, String template) {
    Vertx vertx = Vertx.vertx();
    Database database = Database.open(vertx, db, PostgresDatabase.user(), PostgresDatabase.password(),
        new SimpleMeterRegistry());
    try {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < SIMULATED; i++) {
        ids.add(String.format("sim-%05d", i));
      }
      Fleets.insert(new SqlDeviceRepository(database), template, ids, true);
    } finally {
      database.close();
      vertx.close();
    }
  }

  private static SSLContext trustAll(List<Node> nodes) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    for (Node n : nodes) {
      try (FileInputStream in = new FileInputStream(n.dataDir.resolve("certs").resolve(io.flotilla.gateway.mqtt.ServerCertificate.CERTIFICATE_FILE).toFile())) {
        store.setCertificateEntry("node" + n.number, x509.generateCertificate(in));
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A node in a JVM of its own, listening for devices on 127.0.0.{number}:8883. */
  private record Node(int number, Process process, Path dataDir, int httpPort) {
    static Node start(int number, String db, int[] hz) throws Exception {
      Path dataDir = ScratchDirectories.create("flotilla-cluster-" + number);
      String host = "127.0.0." + number;
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
          Main.class.getName(), "serve", "--data-dir", dataDir.toString(), "--bind", host, "--host-name", host,
          "--http-port", "0", "--mqtt-port", "8883", "--device-https-port", "0", "--db-url", db, "--db-user", PostgresDatabase.user(),
          "--db-password", PostgresDatabase.password(), "--node-name", "node-" + number, "--cluster",
          "--cluster-host", "127.0.0.1", "--cluster-port", Integer.toString(hz[number - 1]), "--cluster-members",
          "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2], "--job-lease", "5", "--mqtt-ws-port", "-1")
          .redirectErrorStream(true)
          .redirectOutput(new File(dataDir.toFile(), "server.log"))
          .start();
      Path ports = dataDir.resolve("ports.json");
      await().atMost(Duration.ofSeconds(90)).until(() -> !p.isAlive() || Files.exists(ports) && Files.size(ports) > 0);
      assertThat(p.isAlive()).as("node %d started (see %s)", number, dataDir.resolve("server.log")).isTrue();
      JsonNode json = ApiClient.JSON.readTree(Files.readString(ports));
      return new Node(number, p, dataDir, json.get("http").asInt());
    }

    static String adminToken(Node n) throws Exception {
      return Files.readString(n.dataDir.resolve("admin-token")).trim();
    }

    ApiClient api(String token) {
      return new ApiClient("127.0.0." + number, httpPort, token);
    }
  }
}
