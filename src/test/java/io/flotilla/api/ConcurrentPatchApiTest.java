package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Templates;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Twelve concurrent merge patches of one resource racing its DELETE, round after round, against a real server: every
 * PATCH answers 200 (applied, its own change in the answer) or 404 (the resource was already gone), never 409 or 500;
 * a PATCH sent after the DELETE answered is a 404; and once the DELETE answered 204, the resource stays deleted (a
 * PATCH never re-creates it). The patches that were applied each made a version of their own (serialised, none
 * lost to another).
 */
class ConcurrentPatchApiTest extends ServerTest {
  private static final int PATCHES = 12;
  private static final int ROUNDS = 30;
  private static String template;
  private static ExecutorService pool;

  @BeforeAll
  static void fixtures() {
    template = Templates.publishTruck(api, "Concurrent truck");
    assertOk(api.put("/api/deviceGroups/concurrent", "{\"displayName\":\"C\",\"filter\":\"SELECT * FROM devices\"}"));
    pool = Executors.newFixedThreadPool(PATCHES + 1);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  /** A resource kind: how to make one under an id, and its path. */
  enum Kind {
    DEVICES(id -> "/api/devices/" + id, id -> Devices.aTruck("T", template)),
    DEVICE_GROUPS(id -> "/api/deviceGroups/" + id,
        id -> "{\"displayName\":\"G\",\"filter\":\"SELECT * FROM devices WHERE $enabled = true\"}"),
    DEVICE_TEMPLATES(id -> Templates.path("dtmi:flotilla:concurrent:" + id + ";1"),
        id -> Templates.aRefrigeratedTruck("T")),
    ENROLLMENT_GROUPS(id -> "/api/enrollmentGroups/" + id,
        id -> "{\"displayName\":\"E\",\"type\":\"iot\",\"attestation\":{\"type\":\"symmetricKey\"}}"),
    SCHEDULED_JOBS(id -> "/api/scheduledJobs/" + id,
        id -> "{\"displayName\":\"S\",\"group\":\"concurrent\",\"schedule\":{\"start\":\"2099-01-01T00:00:00Z\"},"
            + "\"data\":[{\"type\":\"cloudProperty\",\"target\":\"" + template + "\",\"path\":\"CustomerName\","
            + "\"value\":\"Contoso\"}]}");

    final Function<String, String> path;
    final Function<String, String> body;

    Kind(Function<String, String> path, Function<String, String> body) {
      this.path = path;
      this.body = body;
    }
  }

  /** One request's answer and when it was sent and answered. */
  private record Outcome(int status, String displayName, String etag, long sent, long answered) {
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void concurrentPatchesAllApplyAndNoneResurrectsADeletedResource(Kind kind) throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String id = "conc" + kind.ordinal() + "r" + round; // fits every id pattern (and a DTMI segment)
      String path = kind.path.apply(id);
      assertOk(api.put(path, kind.body.apply(id)));

      CountDownLatch go = new CountDownLatch(1);
      List<Future<Outcome>> patches = new ArrayList<>();
      for (int i = 0; i < PATCHES; i++) {
        String name = "p" + i;
        patches.add(pool.submit(() -> {
          go.await();
          long sent = System.nanoTime();
          ApiClient.Response r = api.patch(path, "{\"displayName\":\"" + name + "\"}");
          long answered = System.nanoTime();
          return new Outcome(r.status(), r.status() == 200 ? r.json().path("displayName").asText() : name,
              r.status() == 200 ? r.json().path("etag").asText() : null, sent, answered);
        }));
      }
      Future<Outcome> delete = pool.submit(() -> {
        go.await();
        long sent = System.nanoTime();
        ApiClient.Response r = api.delete(path);
        return new Outcome(r.status(), null, null, sent, System.nanoTime());
      });
      go.countDown();

      Outcome deleted = delete.get();
      assertThat(deleted.status()).as("%s round %d: DELETE", kind, round).isEqualTo(204);
      Set<String> etags = new HashSet<>();
      for (int i = 0; i < PATCHES; i++) {
        Outcome p = patches.get(i).get();
        assertThat(p.status()).as("%s round %d: PATCH p%d", kind, round, i).isIn(200, 404);
        if (p.status() == 200) {
          assertThat(p.displayName()).as("the answer shows the patch's own change").isEqualTo("p" + i);
          assertThat(etags.add(p.etag())).as("each applied patch made a version of its own").isTrue();
          assertThat(p.sent()).as("applied, so sent before the DELETE answered").isLessThan(deleted.answered());
        }
        if (p.sent() > deleted.answered()) {
          assertThat(p.status()).as("sent after the DELETE answered").isEqualTo(404);
        }
      }
      assertThat(api.get(path).status()).as("%s round %d: still deleted", kind, round).isEqualTo(404);
      assertThat(api.patch(path, "{\"displayName\":\"late\"}").status()).isEqualTo(404);
      assertThat(api.get(path).status()).isEqualTo(404);
    }
  }
}
