package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.Devices;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Templates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No query parameter is silently ignored: what the route table does not declare for an operation under the
 * requested api-version is a 400 naming it, checked once for every route; and {@code unmodeled} on the property
 * operations of 2022-10-31-preview.
 */
class QueryParametersApiTest extends ServerTest {
  private static final String PREVIEW = "api-version=2022-10-31-preview";
  private static String truck;
  private static String device;

  @BeforeAll
  static void fleet() {
    truck = Templates.publishTruck(api, "Params truck");
    device = Devices.createTruck(api, "qp", truck);
  }

  @Test
  void anUndeclaredParameterIs400NamingItOnEveryKindOfOperation() {
    String[] paths = {"/api/devices", "/api/devices/" + device, "/api/devices/" + device + "/properties",
        "/api/jobs", "/api/roles", "/api/deviceTemplates", "/api/apiTokens", "/api/auditLogs"};
    for (String version : new String[] {"2022-07-31", "2022-10-31-preview", "2022-05-31", "1.0", "preview"}) {
      for (String path : paths) {
        String message = assertBadRequest(api.get(path + "?api-version=" + version + "&colour=red"));
        assertThat(message).as("%s %s", version, path).contains("\"colour\"").contains("under api-version " + version);
      }
    }
    assertThat(assertBadRequest(api.put("/api/devices/" + device + "?top=1", Devices.aTruck("x", truck))))
        .contains("\"top\"");
    assertThat(assertBadRequest(api.delete("/api/devices/" + device + "?force=true"))).contains("\"force\"");
    assertThat(api.get("/api/devices/" + device).status()).as("nothing was deleted").isEqualTo(200);
  }

  @Test
  void pagingParametersBelongToListsOnly() {
    assertOk(api.get("/api/devices?maxpagesize=1"));
    assertOk(api.get("/api/jobs?%24top=1"));
    assertThat(assertBadRequest(api.get("/api/devices/" + device + "?maxpagesize=1"))).contains("\"maxpagesize\"");
    assertThat(assertBadRequest(api.get("/api/devices/" + device + "/components?%24skiptoken=abc")))
        .contains("\"$skiptoken\"");
  }

  @Test
  void aDeclaredParameterGivenTwiceIs400AndApiVersionStillCountsOnce() {
    assertThat(assertBadRequest(api.get("/api/devices?maxpagesize=2&maxpagesize=3"))).contains("more than once");
    assertOk(api.get("/api/devices?api-version=2022-07-31&api-version=1.0"));
    assertThat(assertBadRequest(api.get("/api/devices?" + PREVIEW + "&filter=" + "id%20eq%20'a'&filter=x")))
        .contains("more than once");
  }

  @Test
  void flotillaExtensionParametersStayAccepted() {
    assertOk(api.get("/api/auditLogs?resourceKind=devices&maxpagesize=1"));
    assertThat(api.get("/api/jobs/none/devices?format=csv").status()).isEqualTo(404);
    assertThat(assertBadRequest(api.get("/api/jobs/none?format=csv"))).contains("\"format\"");
  }

  @Test
  void unmodeledWritesAndReadsPropertiesTheTemplateDoesNotDefine() {
    String props = "/api/devices/" + device + "/properties";
    assertThat(assertBadRequest(api.patch(props + "?" + PREVIEW, "{\"firmwareChannel\": \"beta\"}")))
        .contains("not in the device's template");
    assertThat(api.patch(props + "?" + PREVIEW + "&unmodeled=true", "{\"firmwareChannel\": \"beta\", "
        + "\"TargetTemperature\": 4.5}").status()).isEqualTo(202);
    // a modeled property is still checked against its schema
    assertBadRequest(api.patch(props + "?" + PREVIEW + "&unmodeled=true", "{\"TargetTemperature\": \"warm\"}"));

    JsonNode modeled = assertOk(api.get(props + "?" + PREVIEW));
    assertThat(modeled.path("$metadata").has("firmwareChannel")).as("%s", modeled).isFalse();
    assertThat(modeled.path("$metadata").path("TargetTemperature").path("desiredValue").asDouble()).isEqualTo(4.5);
    JsonNode everything = assertOk(api.get(props + "?" + PREVIEW + "&unmodeled=true"));
    assertThat(everything.path("$metadata").path("firmwareChannel").path("desiredValue").asText()).isEqualTo("beta");
    assertThat(assertOk(api.get(props + "?" + PREVIEW + "&unmodeled=false")).path("$metadata").has("firmwareChannel"))
        .isFalse();
    // the GA versions have no such parameter: every property, as before
    assertThat(assertOk(api.get(props)).path("$metadata").path("firmwareChannel").path("desiredValue").asText())
        .isEqualTo("beta");
    assertThat(assertBadRequest(api.get(props + "?unmodeled=true"))).contains("\"unmodeled\"");
    assertThat(assertBadRequest(api.get(props + "?" + PREVIEW + "&unmodeled=yes"))).contains("true or false");

    // a component scope, and a device without template
    String comp = "/api/devices/" + device + "/components/settings/properties";
    assertThat(api.put(comp + "?" + PREVIEW + "&unmodeled=true", "{\"fanSpeed\": 2, \"mode\": \"eco\"}").status())
        .isEqualTo(202);
    assertThat(assertOk(api.get(comp + "?" + PREVIEW)).path("$metadata").has("mode")).isFalse();
    assertThat(assertOk(api.get(comp + "?" + PREVIEW + "&unmodeled=true")).path("$metadata").path("mode")
        .path("desiredValue").asText()).isEqualTo("eco");
    String bare = Devices.create(api, Devices.newId("qp-bare"), "{\"displayName\": \"bare\"}");
    assertBadRequest(api.patch("/api/devices/" + bare + "/properties?" + PREVIEW, "{\"a\": 1}"));
    assertThat(api.patch("/api/devices/" + bare + "/properties?" + PREVIEW + "&unmodeled=true", "{\"a\": 1}")
        .status()).isEqualTo(202);
    assertThat(assertOk(api.get("/api/devices/" + bare + "/properties?" + PREVIEW)).size()).isZero();
    assertThat(assertOk(api.get("/api/devices/" + bare + "/properties?" + PREVIEW + "&unmodeled=true"))
        .path("$metadata").path("a").path("desiredValue").asInt()).isEqualTo(1);
  }
}
