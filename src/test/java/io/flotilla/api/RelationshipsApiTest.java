package io.flotilla.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.domain.auth.Role;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ApiClient.Response;
import io.flotilla.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /devices/{deviceId}/relationships} (reference 5.7) over a real server. */
class RelationshipsApiTest {
  static TestServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    for (String id : List.of("rel-gw", "rel-c1", "rel-c2", "rel-c3")) {
      assertThat(api.put("/api/devices/" + id, "{}").status()).isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String> ids(String deviceId, int pageSize) {
    List<String> ids = new ArrayList<>();
    JsonNode page = api.get("/api/devices/" + deviceId + "/relationships?maxpagesize=" + pageSize).json();
    while (true) {
      page.path("value").forEach(r -> ids.add(r.path("id").asText()));
      if (!page.hasNonNull("nextLink")) {
        return ids;
      }
      page = api.getAbs(page.path("nextLink").asText()).json();
    }
  }

  @Test
  void createReadPatchListAndDeleteFromEitherEnd() {
    Response created = api.put("/api/devices/rel-gw/relationships/r-1", "{\"target\":\"rel-c1\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    assertThat(created.json().path("id").asText()).isEqualTo("r-1");
    assertThat(created.json().path("source").asText()).isEqualTo("rel-gw");
    assertThat(created.json().path("target").asText()).isEqualTo("rel-c1");
    assertThat(api.put("/api/devices/rel-c2/relationships/r-2", "{\"id\":\"ignored\",\"source\":\"rel-gw\","
        + "\"target\":\"rel-c2\"}").json().path("id").asText()).isEqualTo("r-2");
    assertThat(api.put("/api/devices/rel-c1/relationships/r-3", "{\"target\":\"rel-c3\"}").status()).isEqualTo(200);

    assertThat(api.get("/api/devices/rel-c1/relationships/r-1").json().path("source").asText()).isEqualTo("rel-gw");
    assertThat(api.get("/api/devices/rel-c3/relationships/r-1").status()).isEqualTo(404);
    assertThat(ids("rel-gw", 1)).containsExactly("r-1", "r-2");
    assertThat(ids("rel-c1", 100)).containsExactly("r-1", "r-3");

    Response patched = api.patch("/api/devices/rel-gw/relationships/r-2", "{\"target\":\"rel-c3\"}");
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    assertThat(patched.json().path("target").asText()).isEqualTo("rel-c3");
    assertThat(api.patch("/api/devices/rel-gw/relationships/absent", "{\"target\":\"rel-c3\"}").status())
        .isEqualTo(404);

    assertThat(api.delete("/api/devices/rel-c3/relationships/r-2").status()).isEqualTo(204);
    assertThat(api.delete("/api/devices/rel-gw/relationships/r-2").status()).isEqualTo(404);
    assertThat(api.get("/api/devices/absent/relationships").status()).isEqualTo(404);
  }

  @Test
  void badRequestsName400sTheirField() {
    assertError(api.put("/api/devices/rel-gw/relationships/b-1", "{}"), "target");
    assertError(api.put("/api/devices/rel-gw/relationships/b-1", "{\"target\":\"rel-gw\"}"), "target");
    assertError(api.put("/api/devices/rel-gw/relationships/b-1", "{\"target\":\"ghost\"}"), "target");
    assertError(api.put("/api/devices/rel-gw/relationships/b-1", "{\"source\":\"ghost\",\"target\":\"rel-gw\"}"),
        "source");
    assertError(api.put("/api/devices/rel-gw/relationships/b-1", "{\"target\":5}"), "target");
    assertError(api.put("/api/devices/rel-gw/relationships/b-1", "{\"source\":\"rel-c1\",\"target\":\"rel-c2\"}"),
        "source");
    assertThat(api.put("/api/devices/rel-gw/relationships/b%20d", "{\"target\":\"rel-c1\"}").status())
        .isEqualTo(400);
    assertThat(api.put("/api/devices/absent/relationships/b-1", "{\"target\":\"rel-c1\"}").status()).isEqualTo(404);
    // an id taken by a relationship of other devices
    assertThat(api.put("/api/devices/rel-c2/relationships/b-2", "{\"target\":\"rel-c3\"}").status()).isEqualTo(200);
    assertThat(api.put("/api/devices/rel-gw/relationships/b-2", "{\"target\":\"rel-c1\"}").status()).isEqualTo(409);
    assertThat(api.get("/api/devices/rel-gw/relationships/b-1").status()).isEqualTo(404);
  }

  private static void assertError(Response r, String field) {
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.json().path("error").path("message").asText()).contains(field);
  }

  @Test
  void deletingADeviceRemovesItsRelationships() {
    assertThat(api.put("/api/devices/rel-del", "{}").status()).isEqualTo(200);
    assertThat(api.put("/api/devices/rel-del/relationships/d-1", "{\"target\":\"rel-c2\"}").status()).isEqualTo(200);
    assertThat(api.delete("/api/devices/rel-del").status()).isEqualTo(204);
    assertThat(ids("rel-c2", 100)).doesNotContain("d-1");
  }

  @Test
  void anOrganizationsTokenSeesOnlyItsDevicesRelationships() {
    assertThat(api.put("/api/organizations/rel-west", "{\"displayName\":\"West\"}").status()).isEqualTo(200);
    assertThat(api.put("/api/devices/rel-w1", "{\"organizations\":[\"rel-west\"]}").status()).isEqualTo(200);
    assertThat(api.put("/api/devices/rel-w2", "{\"organizations\":[\"rel-west\"]}").status()).isEqualTo(200);
    assertThat(api.put("/api/devices/rel-gw/relationships/o-1", "{\"target\":\"rel-w1\"}").status()).isEqualTo(200);
    Response t = api.put("/api/apiTokens/rel-west-op", "{\"roles\":[{\"role\":\"" + Role.ORG_OPERATOR.id()
        + "\",\"organization\":\"rel-west\"}]}");
    ApiClient west = api.as(t.json().path("token").asText());
    assertThat(west.get("/api/devices/rel-gw/relationships").status()).isEqualTo(404);
    assertThat(west.get("/api/devices/rel-gw/relationships/o-1").status()).isEqualTo(404);
    assertThat(west.delete("/api/devices/rel-gw/relationships/o-1").status()).isEqualTo(404);
    assertError(west.put("/api/devices/rel-w1/relationships/o-2", "{\"target\":\"rel-gw\"}"), "target");
    assertThat(west.put("/api/devices/rel-w1/relationships/o-3", "{\"target\":\"rel-w2\"}").status()).isEqualTo(200);
    assertThat(west.get("/api/devices/rel-w1/relationships").json().path("value")).hasSize(2);
  }
}
