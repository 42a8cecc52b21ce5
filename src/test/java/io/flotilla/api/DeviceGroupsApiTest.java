package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/deviceGroups} and dynamic membership. */
class DeviceGroupsApiTest extends ServerTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static String truck;

  @BeforeAll
  static void start() {
    truck = Templates.publishTruck(api, "Truck");
  }

  private static String newGroup() {
    return "/api/deviceGroups/group-" + SEQ.incrementAndGet();
  }

  private static String body(String displayName, String filter) {
    return ApiClient.JSON.createObjectNode().put("displayName", displayName).put("filter", filter).toString();
  }

  private static List<String> members(String group) {
    List<String> ids = new ArrayList<>();
    assertOk(api.get(group + "/devices")).path("value").forEach(d -> ids.add(d.path("id").asText()));
    return ids;
  }

  @Test
  void putGetListPatchDelete() {
    String g = newGroup();
    String id = g.substring(g.lastIndexOf('/') + 1);
    String filter = "SELECT * FROM devices WHERE $template = \"" + truck + "\"";
    JsonNode put = assertOk(api.put(g, "{\"displayName\":\"Trucks\",\"description\":\"All trucks\",\"filter\":"
        + ApiClient.JSON.getNodeFactory().textNode(filter) + "}"));
    assertThat(put.path("id").asText()).isEqualTo(id);
    assertThat(put.path("displayName").asText()).isEqualTo("Trucks");
    assertThat(put.path("description").asText()).isEqualTo("All trucks");
    assertThat(put.path("filter").asText()).isEqualTo(filter);
    assertThat(put.path("etag").asText()).isNotBlank();

    assertThat(assertOk(api.get(g))).isEqualTo(put);
    List<String> ids = new ArrayList<>();
    assertOk(api.get("/api/deviceGroups")).path("value").forEach(x -> ids.add(x.path("id").asText()));
    assertThat(ids).contains(id);

    JsonNode patched = assertOk(api.patch(g, "{\"displayName\":\"Renamed\"}"));
    assertThat(patched.path("displayName").asText()).isEqualTo("Renamed");
    assertThat(patched.path("filter").asText()).isEqualTo(filter);
    assertThat(patched.path("description").asText()).isEqualTo("All trucks");
    assertThat(patched.path("etag").asText()).isNotEqualTo(put.path("etag").asText());
    assertThat(assertOk(api.get(g))).isEqualTo(patched);

    JsonNode cleared = assertOk(api.patch(g, "{\"description\":null}"));
    assertThat(cleared.has("description")).as("merge patch: null removes").isFalse();
    assertThat(assertOk(api.get(g)).has("description")).isFalse();
    assertBadRequest(api.patch(g, "{\"filter\":null}"));
    assertThat(assertOk(api.get(g)).path("filter").asText()).isEqualTo(filter);

    JsonNode replaced = assertOk(api.put(g, body("Replaced", "SELECT * FROM devices WHERE $simulated = true")));
    assertThat(replaced.has("description")).isFalse();
    assertThat(replaced.path("filter").asText()).isEqualTo("SELECT * FROM devices WHERE $simulated = true");

    assertThat(api.delete(g).status()).isEqualTo(204);
    assertError(api.get(g), 404, "NotFound");
    assertError(api.delete(g), 404, "NotFound");
    assertError(api.get(g + "/devices"), 404, "NotFound");
    assertError(api.patch(g, "{\"displayName\":\"x\"}"), 404, "NotFound");
  }

  @Test
  void membershipIsDynamic() {
    String tpl = Templates.publishTruck(api, "Dynamic");
    String g = newGroup();
    assertOk(api.put(g, body("Dynamic", "SELECT * FROM devices WHERE $template = \"" + tpl + "\"")));
    assertThat(members(g)).isEmpty();

    String first = Devices.createTruck(api, "dyn", tpl);
    String other = Devices.createTruck(api, "dyn", truck);
    assertThat(members(g)).containsExactly(first);

    String second = Devices.createTruck(api, "dyn", tpl);
    assertThat(members(g)).containsExactlyInAnyOrder(first, second);

    assertOk(api.patch("/api/devices/" + other, "{\"template\":\"" + tpl + "\"}"));
    assertThat(members(g)).containsExactlyInAnyOrder(first, second, other);

    assertThat(api.delete("/api/devices/" + first).status()).isEqualTo(204);
    assertThat(members(g)).containsExactlyInAnyOrder(second, other);
  }

  @Test
  void aDeviceMovesInAndOutWhenItsCloudPropertyChanges() {
    String g = newGroup();
    assertOk(api.put(g, body("Contoso", "SELECT * FROM devices WHERE $template = \"" + truck
        + "\" AND CustomerName = \"Contoso\"")));
    String a = Devices.createTruck(api, "cust", truck);
    String b = Devices.createTruck(api, "cust", truck);
    assertThat(members(g)).isEmpty();

    assertStatus(api.patch("/api/devices/" + a + "/properties", "{\"CustomerName\":\"Contoso\"}"), 202);
    assertStatus(api.patch("/api/devices/" + b + "/properties", "{\"CustomerName\":\"Fabrikam\"}"), 202);
    assertThat(members(g)).containsExactly(a);

    assertStatus(api.patch("/api/devices/" + a + "/properties", "{\"CustomerName\":\"Northwind\"}"), 202);
    assertStatus(api.patch("/api/devices/" + b + "/properties", "{\"CustomerName\":\"Contoso\"}"), 202);
    assertThat(members(g)).containsExactly(b);

    assertStatus(api.patch("/api/devices/" + b + "/properties", "{\"CustomerName\":null}"), 202);
    assertThat(members(g)).isEmpty();
  }

  @Test
  void systemFieldFilters() {
    String a = Devices.create(api, Devices.newId("sys"), "{\"displayName\":\"Alpha north\",\"simulated\":true}");
    String b = Devices.create(api, Devices.newId("sys"), "{\"displayName\":\"Beta south\"}");

    String byId = newGroup();
    assertOk(api.put(byId, body("By id", "SELECT * FROM devices WHERE $id IN [\"" + a + "\", \"" + b + "\"]")));
    assertThat(members(byId)).containsExactlyInAnyOrder(a, b);

    String disabled = newGroup();
    assertOk(api.put(disabled, body("Disabled", "SELECT * FROM devices WHERE $id IN [\"" + a + "\", \"" + b
        + "\"] AND $enabled = false")));
    assertThat(members(disabled)).isEmpty();
    assertOk(api.patch("/api/devices/" + b, "{\"enabled\":false}"));
    assertThat(members(disabled)).containsExactly(b);

    String named = newGroup();
    assertOk(api.put(named, body("Named", "SELECT * FROM devices WHERE contains($displayName, \"north\")")));
    assertThat(members(named)).containsExactly(a);

    String simOrB = newGroup();
    assertOk(api.put(simOrB, body("Or", "SELECT * FROM devices WHERE $simulated = true OR $id = \"" + b + "\"")));
    assertThat(members(simOrB)).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void badGroupsAre400AndCreateNothing() {
    String g = newGroup();
    String valid = "SELECT * FROM devices WHERE $simulated = true";
    assertBadRequest(api.put(g, "{\"displayName\":\"No filter\"}"));
    assertBadRequest(api.put(g, "{\"filter\":\"" + valid + "\"}"));
    assertBadRequest(api.put(g, "{\"displayName\":\"\",\"filter\":\"" + valid + "\"}"));
    assertBadRequest(api.put(g, "{\"displayName\":5,\"filter\":\"" + valid + "\"}"));
    assertBadRequest(api.put(g, "{\"displayName\":\"x\",\"filter\":true}"));
    assertBadRequest(api.put(g, "{\"displayName\":\"x\",\"filter\":\"" + valid + "\",\"organizations\":\"org\"}"));
    assertError(api.get(g), 404, "NotFound");

    assertBadRequest(api.put("/api/deviceGroups/bad!id", body("x", valid)));
    assertBadRequest(api.put("/api/deviceGroups/" + "g".repeat(256), body("x", valid)));
    assertError(api.get("/api/deviceGroups/bad!id"), 404, "NotFound");
  }

  @Test
  void anInvalidFilterIs400WithItsPosition() {
    String g = newGroup();
    String message = assertBadRequest(api.put(g, body("Bad", "SELECT * FROM devices WHERE $enabled = maybe")));
    assertThat(message).contains("position 40");
    assertThat(assertBadRequest(api.put(g, body("Bad", "SELECT * FROM devices WHERE $template ==")))).contains("position");
    assertThat(assertBadRequest(api.put(g, body("Bad", "SELECT * FROM things")))).contains("position");
    assertError(api.get(g), 404, "NotFound");

    assertOk(api.put(g, body("Good", "SELECT * FROM devices WHERE $enabled = true")));
    JsonNode before = assertOk(api.get(g));
    assertThat(assertBadRequest(api.patch(g, "{\"filter\":\"SELECT * FROM devices WHERE\"}"))).contains("position");
    assertThat(assertOk(api.get(g))).isEqualTo(before);
  }

  @Test
  void staleEtagsAre412() {
    String g = newGroup();
    String etag = assertOk(api.put(g, body("Etag", "SELECT * FROM devices WHERE $enabled = true"))).path("etag").asText();
    assertOk(api.patch(g, "{\"displayName\":\"Etag 2\"}"));

    String stale = ApiClient.JSON.createObjectNode().put("displayName", "Stale").put("etag", etag).toString();
    assertError(api.patch(g, stale), 412, "PreconditionFailed");
    assertError(api.put(g, ApiClient.JSON.createObjectNode().put("displayName", "Stale")
        .put("filter", "SELECT * FROM devices WHERE $enabled = true").put("etag", etag).toString()),
        412, "PreconditionFailed");
    JsonNode current = assertOk(api.get(g));
    assertThat(current.path("displayName").asText()).isEqualTo("Etag 2");

    String fresh = ApiClient.JSON.createObjectNode().put("displayName", "Fresh")
        .put("etag", current.path("etag").asText()).toString();
    assertThat(assertOk(api.patch(g, fresh)).path("displayName").asText()).isEqualTo("Fresh");
  }

  @Test
  void unknownGroupsAre404() {
    assertError(api.get("/api/deviceGroups/nothing-here"), 404, "NotFound");
    assertError(api.get("/api/deviceGroups/nothing-here/devices"), 404, "NotFound");
    assertError(api.delete("/api/deviceGroups/nothing-here"), 404, "NotFound");
  }
}
