package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.ServerTest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/devices} with attestation, credentials and components. */
class DevicesApiTest extends ServerTest {
  private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String KEY_B = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
  private static String truck;

  @BeforeAll
  static void start() {
    truck = Templates.publishTruck(api, "Truck");
  }

  @Test
  void putCreatesAndGetAndListReturnTheDevice() {
    String id = Devices.newId("create");
    JsonNode d = assertOk(api.put("/api/devices/" + id,
        "{\"displayName\":\"Checkout truck\",\"template\":\"" + truck + "\",\"simulated\":true,\"enabled\":true}"));

    assertThat(d.path("id").asText()).isEqualTo(id);
    assertThat(d.path("displayName").asText()).isEqualTo("Checkout truck");
    assertThat(d.path("template").asText()).isEqualTo(truck);
    assertThat(d.path("simulated").asBoolean()).isTrue();
    assertThat(d.path("enabled").asBoolean()).isTrue();
    assertThat(d.path("provisioned").isBoolean()).isTrue();
    assertThat(d.path("provisioned").asBoolean()).isFalse();
    assertThat(d.path("etag").asText()).isNotBlank();

    // A simulated device connects at once and becomes provisioned meanwhile: compare the rest.
    assertThat(withoutProvisioned(assertOk(api.get("/api/devices/" + id)))).isEqualTo(withoutProvisioned(d));
    List<String> ids = new ArrayList<>();
    assertOk(api.get("/api/devices")).path("value").forEach(x -> ids.add(x.path("id").asText()));
    assertThat(ids).contains(id);
  }

  @Test
  void defaultsForAnUnassignedDevice() {
    String id = Devices.newId("bare");
    JsonNode d = assertOk(api.put("/api/devices/" + id, "{}"));
    assertThat(d.path("displayName").asText()).isEqualTo(id);
    assertThat(d.has("template")).isFalse();
    assertThat(d.path("enabled").asBoolean()).isTrue();
    assertThat(d.path("simulated").asBoolean()).isFalse();
  }

  @Test
  void putReplacesTheDevice() {
    String id = Devices.create(api, Devices.newId("replace"),
        "{\"displayName\":\"Old\",\"template\":\"" + truck + "\",\"simulated\":true}");
    String etag = assertOk(api.get("/api/devices/" + id)).path("etag").asText();

    JsonNode replaced = assertOk(api.put("/api/devices/" + id, "{\"displayName\":\"New\"}"));
    assertThat(replaced.path("displayName").asText()).isEqualTo("New");
    assertThat(replaced.has("template")).isFalse();
    assertThat(replaced.path("simulated").asBoolean()).isFalse();
    assertThat(replaced.path("etag").asText()).isNotEqualTo(etag);
    assertThat(withoutProvisioned(assertOk(api.get("/api/devices/" + id)))).isEqualTo(withoutProvisioned(replaced));
  }

  @Test
  void patchChangesOnlyTheFieldsGiven() {
    String id = Devices.create(api, Devices.newId("patch"),
        "{\"displayName\":\"Keep\",\"template\":\"" + truck + "\",\"simulated\":true}");
    JsonNode patched = assertOk(api.patch("/api/devices/" + id, "{\"enabled\":false}"));

    assertThat(patched.path("enabled").asBoolean()).isFalse();
    assertThat(patched.path("displayName").asText()).isEqualTo("Keep");
    assertThat(patched.path("template").asText()).isEqualTo(truck);
    assertThat(patched.path("simulated").asBoolean()).isTrue();
    assertThat(withoutProvisioned(assertOk(api.get("/api/devices/" + id)))).isEqualTo(withoutProvisioned(patched));
  }

  @Test
  void patchIsAMergePatchWhereNullRemoves() {
    String id = Devices.create(api, Devices.newId("unassign"),
        "{\"displayName\":\"Named\",\"template\":\"" + truck + "\"}");
    JsonNode unassigned = assertOk(api.patch("/api/devices/" + id, "{\"template\":null}"));
    assertThat(unassigned.has("template")).isFalse();
    assertThat(unassigned.path("displayName").asText()).isEqualTo("Named");
    assertThat(assertOk(api.get("/api/devices/" + id)).has("template")).isFalse();

    JsonNode renamed = assertOk(api.patch("/api/devices/" + id, "{\"displayName\":null}"));
    assertThat(renamed.path("displayName").asText()).as("back to the default, the id").isEqualTo(id);
  }

  @Test
  void putReplaceKeepsTheAttestation() {
    String id = Devices.createTruck(api, "keepatt", truck);
    JsonNode before = assertOk(api.get("/api/devices/" + id + "/attestation"));
    assertOk(api.put("/api/devices/" + id, "{\"displayName\":\"Replaced\"}"));
    assertOk(api.patch("/api/devices/" + id, "{\"enabled\":false}"));
    assertThat(assertOk(api.get("/api/devices/" + id + "/attestation"))).isEqualTo(before);
  }

  @Test
  void deleteRemovesTheDevice() {
    String id = Devices.createTruck(api, "delete", truck);
    assertThat(api.delete("/api/devices/" + id).status()).isEqualTo(204);
    assertError(api.get("/api/devices/" + id), 404, "NotFound");
    assertError(api.delete("/api/devices/" + id), 404, "NotFound");
    assertError(api.get("/api/devices/" + id + "/attestation"), 404, "NotFound");
    assertError(api.patch("/api/devices/" + id, "{\"enabled\":false}"), 404, "NotFound");
  }

  @Test
  void staleEtagsAre412() {
    String id = Devices.createTruck(api, "etag", truck);
    String etag = assertOk(api.get("/api/devices/" + id)).path("etag").asText();
    assertOk(api.patch("/api/devices/" + id, "{\"displayName\":\"Second\"}"));

    assertError(api.put("/api/devices/" + id, "{\"displayName\":\"Stale\",\"etag\":" + quote(etag) + "}"),
        412, "PreconditionFailed");
    assertError(api.patch("/api/devices/" + id, "{\"displayName\":\"Stale\",\"etag\":" + quote(etag) + "}"),
        412, "PreconditionFailed");
    JsonNode current = assertOk(api.get("/api/devices/" + id));
    assertThat(current.path("displayName").asText()).isEqualTo("Second");

    JsonNode ok = assertOk(api.patch("/api/devices/" + id,
        "{\"displayName\":\"Fresh\",\"etag\":" + quote(current.path("etag").asText()) + "}"));
    assertThat(ok.path("displayName").asText()).isEqualTo("Fresh");
  }

  @Test
  void unknownTemplateIs400AndChangesNothing() {
    String id = Devices.newId("notpl");
    String message = assertBadRequest(api.put("/api/devices/" + id, Devices.aTruck("x", "dtmi:nowhere:thing;1")));
    assertThat(message).contains("dtmi:nowhere:thing;1");
    assertError(api.get("/api/devices/" + id), 404, "NotFound");

    String existing = Devices.createTruck(api, "notpl", truck);
    JsonNode before = assertOk(api.get("/api/devices/" + existing));
    assertBadRequest(api.patch("/api/devices/" + existing, "{\"template\":\"dtmi:nowhere:thing;1\"}"));
    assertBadRequest(api.put("/api/devices/" + existing, Devices.aTruck("x", "dtmi:nowhere:thing;1")));
    assertThat(assertOk(api.get("/api/devices/" + existing))).isEqualTo(before);
  }

  @Test
  void badIdsAndNamesAre400() {
    assertBadRequest(api.put("/api/devices/bad%20id", "{}"));
    assertBadRequest(api.put("/api/devices/" + "a".repeat(129), "{}"));
    assertBadRequest(api.put("/api/devices/semi%3Bcolon", "{}"));
    assertOk(api.put("/api/devices/" + "a".repeat(128), "{}"));
    assertError(api.get("/api/devices/" + "a".repeat(129)), 404, "NotFound");

    String id = Devices.newId("longname");
    assertBadRequest(api.put("/api/devices/" + id, "{\"displayName\":\"" + "n".repeat(149) + "\"}"));
    assertError(api.get("/api/devices/" + id), 404, "NotFound");
    assertOk(api.put("/api/devices/" + id, "{\"displayName\":\"" + "n".repeat(148) + "\"}"));
  }

  @Test
  void newDevicesGetGeneratedSymmetricKeys() {
    String id = Devices.createTruck(api, "keys", truck);
    JsonNode a = assertOk(api.get("/api/devices/" + id + "/attestation"));
    assertThat(a.path("type").asText()).isEqualTo("symmetricKey");
    assertKey(a.path("symmetricKey").path("primaryKey").asText());
    assertKey(a.path("symmetricKey").path("secondaryKey").asText());
    assertThat(a.path("symmetricKey").path("primaryKey").asText())
        .isNotEqualTo(a.path("symmetricKey").path("secondaryKey").asText());

    JsonNode creds = assertOk(api.get("/api/devices/" + id + "/credentials"));
    assertThat(creds.path("idScope").asText()).isNotBlank();
    assertThat(creds.path("symmetricKey")).isEqualTo(a.path("symmetricKey"));
  }

  @Test
  void attestationPutGeneratesMissingKeysAndKeepsGivenOnes() {
    String id = Devices.createTruck(api, "att", truck);
    JsonNode before = assertOk(api.get("/api/devices/" + id + "/attestation"));

    JsonNode regenerated = assertOk(api.put("/api/devices/" + id + "/attestation", "{\"type\":\"symmetricKey\"}"));
    assertKey(regenerated.path("symmetricKey").path("primaryKey").asText());
    assertThat(regenerated.path("symmetricKey").path("primaryKey"))
        .isNotEqualTo(before.path("symmetricKey").path("primaryKey"));

    JsonNode given = assertOk(api.put("/api/devices/" + id + "/attestation",
        "{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + KEY_A + "\"}}"));
    assertThat(given.path("symmetricKey").path("primaryKey").asText()).isEqualTo(KEY_A);
    assertKey(given.path("symmetricKey").path("secondaryKey").asText());
    assertThat(assertOk(api.get("/api/devices/" + id + "/attestation"))).isEqualTo(given);
    assertThat(assertOk(api.get("/api/devices/" + id + "/credentials")).path("symmetricKey"))
        .isEqualTo(given.path("symmetricKey"));
  }

  @Test
  void attestationPatchMerges() {
    String id = Devices.createTruck(api, "attpatch", truck);
    JsonNode before = assertOk(api.get("/api/devices/" + id + "/attestation"));

    JsonNode patched = assertOk(api.patch("/api/devices/" + id + "/attestation",
        "{\"symmetricKey\":{\"primaryKey\":\"" + KEY_B + "\"}}"));
    assertThat(patched.path("type").asText()).isEqualTo("symmetricKey");
    assertThat(patched.path("symmetricKey").path("primaryKey").asText()).isEqualTo(KEY_B);
    assertThat(patched.path("symmetricKey").path("secondaryKey"))
        .isEqualTo(before.path("symmetricKey").path("secondaryKey"));
    assertThat(assertOk(api.get("/api/devices/" + id + "/attestation"))).isEqualTo(patched);
  }

  @Test
  void x509AttestationAndDelete() {
    String id = Devices.createTruck(api, "x509", truck);
    String x509 = "{\"type\":\"x509\",\"x509\":{\"clientCertificates\":{\"primary\":"
        + "{\"info\":{\"sha1Thumbprint\":\"0123456789ABCDEF0123456789ABCDEF01234567\"}}}}}";
    JsonNode put = assertOk(api.put("/api/devices/" + id + "/attestation", x509));
    assertThat(put.path("type").asText()).isEqualTo("x509");
    assertThat(put.path("x509").path("clientCertificates").path("primary").path("info").path("sha1Thumbprint").asText())
        .isEqualTo("0123456789ABCDEF0123456789ABCDEF01234567");
    assertThat(assertOk(api.get("/api/devices/" + id + "/attestation"))).isEqualTo(put);

    assertThat(api.delete("/api/devices/" + id + "/attestation").status()).isEqualTo(204);
    assertError(api.get("/api/devices/" + id + "/attestation"), 404, "NotFound");
    assertOk(api.get("/api/devices/" + id));
  }

  @Test
  void badAttestationsAre400AndChangeNothing() {
    String id = Devices.createTruck(api, "badatt", truck);
    JsonNode before = assertOk(api.get("/api/devices/" + id + "/attestation"));
    String path = "/api/devices/" + id + "/attestation";

    assertBadRequest(api.put(path, "{}"));
    assertBadRequest(api.put(path, "{\"type\":\"password\"}"));
    assertBadRequest(api.put(path, "{\"type\":5}"));
    assertBadRequest(api.put(path, "{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"not base64!\"}}"));
    assertBadRequest(api.put(path, "{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"}}"));
    assertBadRequest(api.put(path, "{\"type\":\"symmetricKey\",\"symmetricKey\":\"abc\"}"));
    assertBadRequest(api.put(path, "{\"type\":\"x509\"}"));
    assertBadRequest(api.patch(path, "{\"type\":\"tpm\"}"));
    assertBadRequest(api.patch(path, "{\"symmetricKey\":{\"secondaryKey\":12}}"));

    assertThat(assertOk(api.get(path))).isEqualTo(before);
  }

  @Test
  void subResourcesOfUnknownDevicesAre404() {
    String id = Devices.newId("ghost");
    assertError(api.get("/api/devices/" + id + "/attestation"), 404, "NotFound");
    assertError(api.put("/api/devices/" + id + "/attestation", "{\"type\":\"symmetricKey\"}"), 404, "NotFound");
    assertError(api.patch("/api/devices/" + id + "/attestation", "{\"type\":\"symmetricKey\"}"), 404, "NotFound");
    assertError(api.delete("/api/devices/" + id + "/attestation"), 404, "NotFound");
    assertError(api.get("/api/devices/" + id + "/credentials"), 404, "NotFound");
    assertError(api.get("/api/devices/" + id + "/components"), 404, "NotFound");
    assertError(api.get("/api/devices/" + id), 404, "NotFound");
  }

  @Test
  void componentsComeFromTheTemplate() {
    String id = Devices.createTruck(api, "comp", truck);
    JsonNode list = assertOk(api.get("/api/devices/" + id + "/components"));
    assertThat(list.path("value").size()).isEqualTo(1);
    JsonNode c = list.path("value").get(0);
    assertThat(c.path("@type").asText()).isEqualTo("Component");
    assertThat(c.path("name").asText()).isEqualTo("settings");

    String bare = Devices.create(api, Devices.newId("nocomp"), "{}");
    assertThat(assertOk(api.get("/api/devices/" + bare + "/components")).path("value").size()).isZero();
  }

  private static void assertKey(String key) {
    assertThat(Base64.getDecoder().decode(key)).hasSize(32);
  }

  private static String quote(String s) {
    return ApiClient.JSON.getNodeFactory().textNode(s).toString();
  }

  /** The device without {@code provisioned}, which a simulated device's connection sets at any moment. */
  private static JsonNode withoutProvisioned(JsonNode device) {
    com.fasterxml.jackson.databind.node.ObjectNode copy = (com.fasterxml.jackson.databind.node.ObjectNode) device.deepCopy();
    copy.remove("provisioned");
    return copy;
  }
}
