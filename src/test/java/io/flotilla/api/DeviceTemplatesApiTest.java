package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.ServerTest;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /api/deviceTemplates} and the default group a template brings (D-g). */
class DeviceTemplatesApiTest extends ServerTest {
  private static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  @Test
  void putPublishesAndGetAndListReturnIt() {
    String id = Templates.newId("truck");
    JsonNode put = assertOk(api.put(Templates.path(id), Templates.aRefrigeratedTruck("Refrigerated truck")));

    assertThat(put.path("@id").asText()).isEqualTo(id);
    assertThat(put.path("@type").toString()).isEqualTo("[\"ModelDefinition\",\"DeviceModel\"]");
    assertThat(put.path("displayName").asText()).isEqualTo("Refrigerated truck");
    assertThat(put.path("etag").asText()).isNotBlank();
    assertThat(put.path("capabilityModel").path("contents").size()).isEqualTo(6);

    JsonNode get = assertOk(api.get(Templates.path(id)));
    assertThat(get).isEqualTo(put);

    List<String> ids = new ArrayList<>();
    assertOk(api.get("/api/deviceTemplates")).path("value").forEach(t -> ids.add(t.path("@id").asText()));
    assertThat(ids).contains(id);
  }

  @Test
  void theBodyIdMustEqualThePathId() {
    String id = Templates.newId("mismatch");
    ObjectNode body = (ObjectNode) ApiClient.JSON.valueToTree(parse(Templates.aRefrigeratedTruck("M")));
    body.put("@id", "dtmi:other:thing;1");
    assertBadRequest(api.put(Templates.path(id), body.toString()));
    assertError(api.get(Templates.path(id)), 404, "NotFound");

    body.put("@id", id);
    assertThat(assertOk(api.put(Templates.path(id), body.toString())).path("@id").asText()).isEqualTo(id);
  }

  @Test
  void legacyUnversionedIdsAreAccepted() {
    String id = "dtmi:modelDefinition:bhmvjf0oj:k6ulbcbyndp";
    assertOk(api.put(Templates.path(id), Templates.aRefrigeratedTruck("Legacy")));
    assertOk(api.get(Templates.path(id)));
  }

  @Test
  void publishingCreatesTheAllDevicesGroupOnce() {
    String id = Templates.newId("fridge");
    assertOk(api.put(Templates.path(id), Templates.aRefrigeratedTruck("Fridge " + id)));

    List<JsonNode> groups = groupsNamed("Fridge " + id + " - All devices");
    assertThat(groups).hasSize(1);
    JsonNode g = groups.get(0);
    assertThat(g.path("id").asText()).matches(GUID);
    assertThat(g.path("filter").asText()).isEqualTo("SELECT * FROM devices WHERE $template = \"" + id + "\"");
    assertThat(g.path("description").asText())
        .isEqualTo("Default device group containing all the devices for this device template.");

    String device = Devices.createTruck(api, "fridge", id);
    JsonNode members = assertOk(api.get("/api/deviceGroups/" + g.path("id").asText() + "/devices"));
    assertThat(members.path("value").size()).isEqualTo(1);
    assertThat(members.path("value").get(0).path("id").asText()).isEqualTo(device);

    assertOk(api.put(Templates.path(id), Templates.aRefrigeratedTruck("Fridge " + id)));
    assertThat(groupsNamed("Fridge " + id + " - All devices")).hasSize(1);
  }

  @Test
  void putReplacesAndChangesTheEtag() {
    String id = Templates.publishTruck(api, "Before");
    String etag = assertOk(api.get(Templates.path(id))).path("etag").asText();

    JsonNode replaced = assertOk(api.put(Templates.path(id), Templates.aRefrigeratedTruck("After")));
    assertThat(replaced.path("displayName").asText()).isEqualTo("After");
    assertThat(replaced.path("etag").asText()).isNotEqualTo(etag);
    assertThat(assertOk(api.get(Templates.path(id))).path("displayName").asText()).isEqualTo("After");
  }

  @Test
  void patchMergesIntoTheStoredDocument() {
    String id = Templates.publishTruck(api, "Patchable");
    JsonNode before = assertOk(api.get(Templates.path(id)));

    JsonNode patched = assertOk(api.patch(Templates.path(id), "{\"displayName\":\"Patched\",\"description\":\"d\"}"));
    assertThat(patched.path("displayName").asText()).isEqualTo("Patched");
    assertThat(patched.path("description").asText()).isEqualTo("d");
    assertThat(patched.path("capabilityModel")).isEqualTo(before.path("capabilityModel"));
    assertThat(patched.path("etag").asText()).isNotEqualTo(before.path("etag").asText());

    JsonNode removed = assertOk(api.send(HttpMethod.PATCH, Templates.path(id) + "?api-version=2022-07-31",
        "{\"description\":null}", "application/json"));
    assertThat(removed.has("description")).isFalse();
    assertThat(assertOk(api.get(Templates.path(id))).has("description")).isFalse();
  }

  @Test
  void patchCanAddACloudPropertyThatDevicesThenAccept() {
    String id = Templates.publishTruck(api, "Extendable");
    String device = Devices.createTruck(api, "ext", id);
    assertBadRequest(api.patch("/api/devices/" + device + "/properties", "{\"Region\":\"north\"}"));

    ObjectNode model = (ObjectNode) assertOk(api.get(Templates.path(id))).path("capabilityModel").deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) model.path("contents")).add(parse(
        "{\"@type\":[\"Property\",\"Cloud\"],\"name\":\"Region\",\"schema\":\"string\"}"));
    ObjectNode patch = ApiClient.JSON.createObjectNode();
    patch.set("capabilityModel", model);
    JsonNode patched = assertOk(api.patch(Templates.path(id), patch.toString()));
    assertThat(patched.path("capabilityModel").path("contents").size()).isEqualTo(7);

    assertThat(api.patch("/api/devices/" + device + "/properties", "{\"Region\":\"north\"}").status()).isEqualTo(202);
    assertThat(assertOk(api.get("/api/devices/" + device + "/properties")).path("Region").asText()).isEqualTo("north");
  }

  @Test
  void patchOfAnUnknownTemplateIs404() {
    String id = Templates.newId("ghost");
    assertError(api.patch(Templates.path(id), "{\"displayName\":\"x\"}"), 404, "NotFound");
    assertError(api.get(Templates.path(id)), 404, "NotFound");
  }

  @Test
  void deleteIsRefusedWhileDevicesUseTheTemplate() {
    String id = Templates.publishTruck(api, "In use");
    String device = Devices.createTruck(api, "inuse", id);

    assertError(api.delete(Templates.path(id)), 409, "Conflict");
    assertOk(api.get(Templates.path(id)));

    assertThat(api.delete("/api/devices/" + device).status()).isEqualTo(204);
    assertThat(api.delete(Templates.path(id)).status()).isEqualTo(204);
    assertError(api.get(Templates.path(id)), 404, "NotFound");
    assertError(api.delete(Templates.path(id)), 404, "NotFound");
  }

  @Test
  void staleEtagsAre412AndTheCurrentOneIsAccepted() {
    String id = Templates.publishTruck(api, "Etag");
    String etag = assertOk(api.get(Templates.path(id))).path("etag").asText();
    assertOk(api.patch(Templates.path(id), "{\"displayName\":\"Etag 2\"}"));

    ObjectNode stalePut = (ObjectNode) parse(Templates.aRefrigeratedTruck("Stale"));
    stalePut.put("etag", etag);
    assertError(api.put(Templates.path(id), stalePut.toString()), 412, "PreconditionFailed");
    ObjectNode stalePatch = ApiClient.JSON.createObjectNode().put("displayName", "Stale").put("etag", etag);
    assertError(api.patch(Templates.path(id), stalePatch.toString()), 412, "PreconditionFailed");
    JsonNode current = assertOk(api.get(Templates.path(id)));
    assertThat(current.path("displayName").asText()).isEqualTo("Etag 2");

    stalePatch.put("etag", current.path("etag").asText());
    assertThat(assertOk(api.patch(Templates.path(id), stalePatch.toString())).path("displayName").asText())
        .isEqualTo("Stale");
  }

  @Test
  void missingRequiredFieldsAre400AndCreateNothing() {
    Map<String, String> bodies = Map.of(
        "no capabilityModel", "{\"@type\":[\"ModelDefinition\",\"DeviceModel\"],\"displayName\":\"x\"}",
        "capabilityModel not an object", "{\"@type\":[\"ModelDefinition\"],\"capabilityModel\":\"x\"}",
        "no @type", "{\"displayName\":\"x\",\"capabilityModel\":" + Templates.truckModel() + "}",
        "@type not an array", "{\"@type\":\"ModelDefinition\",\"capabilityModel\":" + Templates.truckModel() + "}",
        "displayName a number",
        "{\"@type\":[\"ModelDefinition\"],\"displayName\":5,\"capabilityModel\":" + Templates.truckModel() + "}");
    bodies.forEach((why, body) -> {
      String id = Templates.newId("missing");
      assertThat(api.put(Templates.path(id), body).status()).as(why).isEqualTo(400);
      assertError(api.get(Templates.path(id)), 404, "NotFound");
    });
    assertThat(assertBadRequest(api.put(Templates.path(Templates.newId("m")), bodies.get("no capabilityModel"))))
        .contains("capabilityModel");
    assertThat(assertBadRequest(api.put(Templates.path(Templates.newId("m")), bodies.get("no @type"))))
        .contains("@type");
  }

  @Test
  void aCapabilityModelThatDoesNotParseIsNamedInThe400() {
    String id = Templates.newId("badmodel");
    String message = assertBadRequest(api.put(Templates.path(id), Templates.withTelemetrySchema("\"doubel\"")));
    assertThat(message).contains("capabilityModel.contents[1].schema").contains("doubel");
    assertError(api.get(Templates.path(id)), 404, "NotFound");
    assertThat(groupsNamed("Minimal - All devices")).isEmpty();

    String nested = assertBadRequest(api.put(Templates.path(id), Templates.withTelemetrySchema(
        "{\"@type\":\"Object\",\"fields\":[{\"name\":\"a\",\"schema\":\"strin\"}]}")));
    assertThat(nested).contains("capabilityModel.contents[1].schema.fields[0].schema");
  }

  @Test
  void aPatchThatBreaksTheModelIs400AndChangesNothing() {
    String id = Templates.publishTruck(api, "Unbroken");
    JsonNode before = assertOk(api.get(Templates.path(id)));
    String message = assertBadRequest(api.patch(Templates.path(id), "{\"capabilityModel\":{\"@type\":\"Interface\","
        + "\"contents\":[{\"@type\":\"Telemetry\",\"name\":\"a\",\"schema\":\"double\"},"
        + "{\"@type\":\"Telemetry\",\"name\":\"b\",\"schema\":42}]}}"));
    assertThat(message).contains("capabilityModel.contents[1].schema");
    assertBadRequest(api.patch(Templates.path(id), "{\"@type\":null}"));
    assertThat(assertOk(api.get(Templates.path(id)))).isEqualTo(before);
  }

  @Test
  void idsThatAreNotDtmisAre400() {
    for (String bad : List.of("not-a-dtmi", "dtmi:contoso:thing%3B0", "dtmi:1contoso:thing%3B1",
        "dtmi:contoso:thing_%3B1")) {
      assertBadRequest(api.put("/api/deviceTemplates/" + bad, Templates.aRefrigeratedTruck("Bad id")));
    }
    assertThat(groupsNamed("Bad id - All devices")).isEmpty();
  }

  private static List<JsonNode> groupsNamed(String displayName) {
    List<JsonNode> out = new ArrayList<>();
    assertOk(api.get("/api/deviceGroups")).path("value").forEach(g -> {
      if (g.path("displayName").asText().equals(displayName)) {
        out.add(g);
      }
    });
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return ApiClient.JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
