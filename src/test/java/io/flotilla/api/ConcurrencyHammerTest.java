package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.DeviceOptions;
import io.flotilla.testing.Fleets;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Templates;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Sixteen clients hammer PUT, PATCH and DELETE on the same devices, groups, templates and scheduled jobs while devices
 * connect (and become provisioned) and a property job runs over 300 others (issue 16). Every answer is recorded with
 * its start and end time and the body's {@code etag}. Afterwards, for every resource:
 * <ul>
 *   <li>no answer is a 409 or a 5xx; each accepted PUT or PATCH answers its own change with an etag no other accepted
 *   write of the resource got (each made a version of its own: no lost update);</li>
 *   <li>the final state is explained by a serial order of the accepted requests that respects real time: it is
 *   absent and the last accepted write in some such order is a DELETE, or it is exactly the answer (etag and
 *   displayName) of an accepted write that no other accepted write followed in real time;</li>
 *   <li>no PATCH succeeded after an accepted DELETE without an accepted PUT that can lie between them (a deleted device
 *   is never re-created by a PATCH);</li>
 *   <li>a connected device's {@code provisioned} never goes back to false, whatever was PUT or PATCHed.</li>
 * </ul>
 */
class ConcurrencyHammerTest extends ServerTest {
  private static final int CLIENTS = 16;
  private static final int OPS_PER_CLIENT = 60;
  private static final long SEED = 1616;

  /** One answered request. */
  record Op(String path, String method, long start, long end, int status, String etag, String displayName,
            boolean provisioned, String sent) {
    boolean accepted() {
      return status >= 200 && status < 300;
    }

    boolean write() {
      return !method.equals("GET");
    }
  }

  /** A resource under the hammer: its path, and bodies for a PUT and a PATCH carrying {@code name}. */
  record Target(String path, Function<String, String> put, Function<String, String> patch, boolean deletable,
                boolean connected) {
  }

  @Test
  void everyResourceEndsInAStateSomeSerialOrderOfTheAcceptedRequestsExplains() throws Exception {
    String template = Templates.publishTruck(api, "Hammer truck");
    String jobTemplate = Fleets.templateAndGroup(api, "hammer-job");
    Fleets.register(server, jobTemplate, "hj", 300, Set.of());
    assertOk(api.put("/api/deviceGroups/hammer", "{\"displayName\":\"H\",\"filter\":\"SELECT * FROM devices\"}"));

    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      targets.add(new Target("/api/devices/hd-" + i,
          n -> "{\"displayName\":\"" + n + "\",\"template\":\"" + template + "\"}",
          n -> "{\"displayName\":\"" + n + "\"}", true, false));
      targets.add(new Target("/api/devices/hp-" + i,
          n -> "{\"displayName\":\"" + n + "\",\"template\":\"" + template + "\",\"enabled\":true}",
          n -> "{\"displayName\":\"" + n + "\"}", false, true));
    }
    for (int i = 0; i < 2; i++) {
      targets.add(new Target("/api/deviceGroups/hg-" + i,
          n -> "{\"displayName\":\"" + n + "\",\"filter\":\"SELECT * FROM devices WHERE $enabled = true\"}",
          n -> "{\"displayName\":\"" + n + "\"}", true, false));
      targets.add(new Target(Templates.path("dtmi:flotilla:hammer:t" + i + ";1"),
          n -> Templates.aRefrigeratedTruck(n), n -> "{\"displayName\":\"" + n + "\"}", true, false));
      targets.add(new Target("/api/scheduledJobs/hs-" + i,
          n -> "{\"displayName\":\"" + n + "\",\"group\":\"hammer\",\"schedule\":{\"start\":\"2099-01-01T00:00:00Z\"},"
              + "\"data\":[{\"type\":\"cloudProperty\",\"target\":\"" + template + "\",\"path\":\"CustomerName\","
              + "\"value\":\"x\"}]}",
          n -> "{\"displayName\":\"" + n + "\"}", true, false));
    }
    for (Target t : targets) {
      assertOk(api.put(t.path(), t.put().apply("initial")));
    }
    Map<String, String> keys = new ConcurrentHashMap<>();
    for (int i = 0; i < 3; i++) {
      keys.put("hp-" + i, api.get("/api/devices/hp-" + i + "/credentials").json().at("/symmetricKey/primaryKey")
          .asText());
    }

    List<Op> ops = new CopyOnWriteArrayList<>();
    Map<String, Long> connectedAt = new ConcurrentHashMap<>();
    Vertx vertx = Vertx.vertx();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
    CountDownLatch go = new CountDownLatch(1);
    try {
      assertOk(api.put("/api/jobs/hammer-job", """
          {"group": "hammer-job", "rollout": {"maxPerMinute": 6000},
           "data": [{"type": "property", "target": "%s", "path": "TargetTemperature", "value": 7}]}
          """.formatted(jobTemplate)));
      List<Future<?>> clients = new ArrayList<>();
      int mqttPort = server.server().wiring().gateway().gateway().loopbackPlainPort().toCompletionStage()
          .toCompletableFuture().join();
      clients.add(pool.submit(() -> { // devices connect while the others hammer
        go.await();
        for (Map.Entry<String, String> e : keys.entrySet()) {
          connect(vertx, mqttPort, e.getKey(), e.getValue());
          await().atMost(Duration.ofSeconds(10)).until(() ->
              api.get("/api/devices/" + e.getKey()).json().path("provisioned").asBoolean());
          connectedAt.put("/api/devices/" + e.getKey(), System.nanoTime());
        }
        return null;
      }));
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(pool.submit(() -> {
          Random random = new Random(SEED + client);
          ApiClient mine = new ApiClient(api.port(), api.token());
          try {
            go.await();
            for (int n = 0; n < OPS_PER_CLIENT; n++) {
              Target t = targets.get(random.nextInt(targets.size()));
              int pick = random.nextInt(10);
              String name = "c" + client + "-" + n;
              String method = pick < 5 ? "PATCH" : pick < 8 || !t.deletable() ? "PUT" : "DELETE";
              long start = System.nanoTime();
              ApiClient.Response r = switch (method) {
                case "PATCH" -> mine.patch(t.path(), t.patch().apply(name));
                case "PUT" -> mine.put(t.path(), t.put().apply(name));
                default -> mine.delete(t.path());
              };
              ops.add(op(t.path(), method, start, System.nanoTime(), r, name));
              if (random.nextInt(4) == 0) {
                long s = System.nanoTime();
                ops.add(op(t.path(), "GET", s, System.nanoTime(), mine.get(t.path()), null));
              }
            }
          } finally {
            mine.close();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : clients) {
        f.get(240, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    Map<String, Integer> statuses = new java.util.TreeMap<>();
    ops.forEach(o -> statuses.merge(o.method() + " " + o.status(), 1, Integer::sum));
    assertThat(ops).as("no 409 and no 5xx: %s", statuses)
        .allSatisfy(o -> assertThat(o.status()).isNotEqualTo(409).isLessThan(500));
    int finalStates = 0;
    for (Target t : targets) {
      List<Op> mine = ops.stream().filter(o -> o.path().equals(t.path())).toList();
      List<Op> writes = mine.stream().filter(o -> o.write() && o.accepted()).toList();
      // each accepted PUT/PATCH answers its own change, with an etag of its own
      Set<String> etags = new HashSet<>();
      for (Op w : writes) {
        if (!w.method().equals("DELETE")) {
          assertThat(w.displayName()).as("%s %s answers its change", w.method(), t.path()).isEqualTo(w.sent());
          assertThat(etags.add(w.etag())).as("a version of its own: %s %s", w.method(), w.etag()).isTrue();
        }
      }
      // a PATCH never re-creates what an accepted DELETE removed
      for (Op p : writes) {
        if (!p.method().equals("PATCH")) {
          continue;
        }
        for (Op d : writes) {
          if (d.method().equals("DELETE") && d.end() < p.start()) {
            boolean putBetween = writes.stream().anyMatch(u -> u.method().equals("PUT") && u.end() > d.start()
                && u.start() < p.end());
            assertThat(putBetween).as("PATCH %s applied after an accepted DELETE with no PUT between", t.path())
                .isTrue();
          }
        }
      }
      // the final state is the answer of a write nothing followed, or absent after such a DELETE
      ApiClient.Response end = api.get(t.path());
      List<Op> last = writes.stream().filter(w -> writes.stream().noneMatch(x -> x.start() > w.end())).toList();
      if (end.status() == 404) {
        assertThat(last).as("%s is absent: a DELETE can be the last write", t.path())
            .anyMatch(w -> w.method().equals("DELETE"));
      } else {
        assertThat(end.status()).isEqualTo(200);
        String etag = end.json().path("etag").asText();
        List<Op> source = writes.stream().filter(w -> etag.equals(w.etag())).toList();
        if (writes.stream().anyMatch(w -> !w.method().equals("DELETE"))) {
          assertThat(source).as("%s: the final etag is an accepted write's", t.path()).hasSize(1);
          assertThat(last).as("%s: that write can be the last", t.path()).contains(source.get(0));
          assertThat(end.json().path("displayName").asText()).isEqualTo(source.get(0).displayName());
        }
        finalStates++;
      }
      // provisioned never goes back
      if (t.connected()) {
        long since = connectedAt.get(t.path());
        assertThat(mine.stream().filter(o -> o.start() > since && o.status() == 200))
            .as("%s stays provisioned", t.path()).allSatisfy(o -> assertThat(o.provisioned()).isTrue());
        assertThat(end.json().path("provisioned").asBoolean()).isTrue();
      }
    }
    await().atMost(Duration.ofSeconds(60)).until(() ->
        api.get("/api/jobs/hammer-job").json().path("status").asText().equals("complete"));
    assertThat(api.get("/api/jobs/hammer-job").json().at("/progress/completed").asInt()).isEqualTo(300);
    vertx.close();

    Path dir = Path.of("target", "fuzz");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("concurrency.txt"), String.format(
        "%d clients, %d requests on %d resources (%d present at the end), answers %s%n", CLIENTS, ops.size(),
        targets.size(), finalStates, statuses));
  }

  private static Op op(String path, String method, long start, long end, ApiClient.Response r, String sent) {
    JsonNode body = r.status() == 200 ? r.json() : null;
    return new Op(path, method, start, end, r.status(), body == null ? null : body.path("etag").asText(null),
        body == null ? null : body.path("displayName").asText(null),
        body != null && body.path("provisioned").asBoolean(), sent);
  }

  private static void connect(Vertx vertx, int port, String id, String key) {
    MqttClient c = MqttClient.create(vertx, DeviceOptions.hub(id, key));
    c.connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
  }
}
