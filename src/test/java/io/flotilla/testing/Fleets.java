package io.flotilla.testing;

import static io.flotilla.testing.ApiAssertions.assertOk;

import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Large fleets for API tests: a template and group of their own, devices registered below the API, in parallel. */
public final class Fleets {
  private Fleets() {
  }

  /** Publishes a truck template and a group {@code name} of its devices; answers the template id. */
  public static String templateAndGroup(ApiClient api, String name) {
    String template = Templates.publishTruck(api, name);
    assertOk(api.put("/api/deviceGroups/" + name, """
        {"displayName": "%s", "filter": "SELECT * FROM devices WHERE $template = \\"%s\\""}
        """.formatted(name, template)));
    return template;
  }

  /**
   * Registers devices {@code prefix-00001 .. prefix-n} of {@code template} (offline, never provisioned) straight into
   * the server's database, leaving out the numbers in {@code skip}.
   */
  public static void register(TestServer server, String template, String prefix, int n, Set<Integer> skip) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (!skip.contains(i)) {
        ids.add(String.format("%s-%05d", prefix, i));
      }
    }
    insert(new SqlDeviceRepository(server.server().wiring().database()), template, ids, false);
  }

  /** Inserts devices {@code ids} of {@code template} (offline, never provisioned; simulated or not) in batches. */
  public static void insert(SqlDeviceRepository repo, String template, List<String> ids, boolean simulated) {
    List<Future<Void>> inserts = new ArrayList<>();
    for (String id : ids) {
      inserts.add(repo.insert(new Device(id, id, template, true, simulated, false, "\"e\"", List.of()),
          Attestation.symmetricKey("cHJpbWFyeS1rZXktb2YtMzItYnl0ZXMtLS0tLS0tLQ==",
              "c2Vjb25kYXJ5LWtleS1vZi0zMi1ieXRlcy0tLS0tLQ==")));
      if (inserts.size() == 256) {
        Future.all(inserts).toCompletionStage().toCompletableFuture().join();
        inserts.clear();
      }
    }
    Future.all(inserts).toCompletionStage().toCompletableFuture().join();
  }

}
