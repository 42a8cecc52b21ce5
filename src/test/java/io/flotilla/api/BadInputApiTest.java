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
import io.flotilla.testing.Tokens;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input on every writing route: malformed or mistyped JSON, oversized bodies, wrong media types, bad ids. Each is
 * a 4xx in the documented error shape, never a 500, and changes nothing (checked by reading everything back).
 */
class BadInputApiTest extends ServerTest {
  private static final String MALFORMED = "{\"displayName\": \"unterminated";
  private static String template;
  private static String device;
  private static String group;

  /** A write route and the GET that shows its resource. */
  private record Target(HttpMethod method, String path, String readBack) {
  }

  private static List<Target> targets;

  @BeforeAll
  static void start() {
    template = Templates.publishTruck(api, "Bad input truck");
    device = Devices.createTruck(api, "bad", template);
    assertThat(api.patch("/api/devices/" + device + "/properties",
        "{\"TargetTemperature\":5,\"CustomerName\":\"Contoso\",\"settings\":{\"fanSpeed\":3}}").status()).isEqualTo(202);
    group = "/api/deviceGroups/bad-input";
    assertOk(api.put(group, "{\"displayName\":\"Bad\",\"filter\":\"SELECT * FROM devices WHERE $enabled = true\"}"));
    String d = "/api/devices/" + device;
    targets = List.of(
        new Target(HttpMethod.PUT, d, d),
        new Target(HttpMethod.PATCH, d, d),
        new Target(HttpMethod.PUT, d + "/attestation", d + "/attestation"),
        new Target(HttpMethod.PATCH, d + "/attestation", d + "/attestation"),
        new Target(HttpMethod.PUT, d + "/properties", d + "/properties"),
        new Target(HttpMethod.PATCH, d + "/properties", d + "/properties"),
        new Target(HttpMethod.PUT, d + "/components/settings/properties", d + "/properties"),
        new Target(HttpMethod.PATCH, d + "/components/settings/properties", d + "/properties"),
        new Target(HttpMethod.PUT, group, group),
        new Target(HttpMethod.PATCH, group, group),
        new Target(HttpMethod.PUT, Templates.path(template), Templates.path(template)),
        new Target(HttpMethod.PATCH, Templates.path(template), Templates.path(template)),
        new Target(HttpMethod.PUT, "/api/apiTokens/never-created", "/api/apiTokens/never-created"));
  }

  private Map<String, String> snapshot;

  @BeforeEach
  void takeSnapshot() {
    snapshot = everything();
  }

  /** Every resource this class touches, as text, plus the lists. */
  private static Map<String, String> everything() {
    Map<String, String> s = new java.util.TreeMap<>();
    for (Target t : targets) {
      ApiClient.Response r = api.get(t.readBack());
      s.put(t.readBack(), r.status() + " " + (r.status() == 200 ? r.json().toString() : ""));
    }
    for (String list : List.of("/api/devices", "/api/deviceGroups", "/api/deviceTemplates", "/api/apiTokens")) {
      s.put(list, api.get(list).json().toString());
    }
    return s;
  }

  private void assertNothingChanged() {
    assertThat(everything()).isEqualTo(snapshot);
  }

  private static ApiClient.Response send(Target t, String body, String contentType) {
    return api.send(t.method(), t.path() + "?api-version=2022-07-31", body, contentType);
  }

  @Test
  void malformedJsonIs400Everywhere() {
    for (Target t : targets) {
      String message = assertBadRequest(send(t, MALFORMED, "application/json"));
      assertThat(message).as("%s %s", t.method(), t.path()).contains("not valid JSON").contains("line 1");
      assertBadRequest(send(t, "{\"a\":1} trailing", "application/json"));
      assertBadRequest(send(t, "{\"a\":1,}", "application/json"));
    }
    assertNothingChanged();
  }

  @Test
  void emptyAndNonObjectBodiesAre400Everywhere() {
    for (Target t : targets) {
      for (String body : List.of("", "   ", "[]", "[{\"displayName\":\"x\"}]", "\"text\"", "42", "null", "true")) {
        ApiClient.Response r = send(t, body, "application/json");
        assertThat(r.status()).as("%s %s with %s: %s", t.method(), t.path(), body, r).isEqualTo(400);
        assertBadRequest(r);
      }
    }
    assertNothingChanged();
  }

  @Test
  void deeplyNestedJsonIs400NotAStackOverflow() {
    String deep = "{\"a\":".repeat(2000) + "1" + "}".repeat(2000);
    for (Target t : targets) {
      assertBadRequest(send(t, deep, "application/json"));
    }
    assertNothingChanged();
  }

  @Test
  void bodiesOverOneMebibyteAre413() {
    String big = "{\"displayName\":\"" + "x".repeat(1024 * 1024) + "\"}";
    for (Target t : targets) {
      assertError(send(t, big, "application/json"), 413, "RequestEntityTooLarge");
    }
    assertNothingChanged();
    // just under the limit is read (and then judged on its content)
    String underLimit = "{\"displayName\":\"" + "x".repeat(1024 * 1024 - 100) + "\"}";
    assertBadRequest(api.patch("/api/devices/" + device, underLimit));
    assertNothingChanged();
  }

  @Test
  void unsupportedMediaTypesAre415() {
    for (Target t : targets) {
      for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded")) {
        assertError(send(t, "{\"displayName\":\"x\"}", type), 415, "UnsupportedMediaType");
      }
    }
    for (Target t : targets) {
      if (t.method() == HttpMethod.PATCH) {
        ApiClient.Response merge = send(t, MALFORMED, "application/merge-patch+json");
        assertBadRequest(merge);
      } else {
        assertError(send(t, "{}", "application/merge-patch+json"), 415, "UnsupportedMediaType");
      }
    }
    assertNothingChanged();
  }

  @Test
  void wrongJsonTypesAre400() {
    String d = "/api/devices/" + device;
    List<String[]> cases = new ArrayList<>();
    for (String body : List.of("{\"enabled\":\"yes\"}", "{\"displayName\":5}", "{\"simulated\":1}",
        "{\"template\":true}", "{\"organizations\":\"org\"}", "{\"organizations\":[1]}", "{\"etag\":5}",
        "{\"displayName\":[\"a\"]}", "{\"enabled\":null,\"displayName\":{}}")) {
      cases.add(new String[] {"PUT", d, body});
      cases.add(new String[] {"PATCH", d, body});
    }
    for (String body : List.of("{\"displayName\":5,\"filter\":\"SELECT * FROM devices WHERE $enabled = true\"}",
        "{\"displayName\":\"x\",\"filter\":[\"SELECT\"]}", "{\"displayName\":\"x\",\"description\":{},"
            + "\"filter\":\"SELECT * FROM devices WHERE $enabled = true\"}")) {
      cases.add(new String[] {"PUT", group, body});
      cases.add(new String[] {"PATCH", group, body});
    }
    for (String body : List.of("{\"displayName\":5}", "{\"capabilityModel\":[]}", "{\"@type\":[1]}",
        "{\"@type\":\"DeviceModel\"}", "{\"capabilityModel\":{\"@type\":\"Interface\",\"contents\":{}}}")) {
      cases.add(new String[] {"PATCH", Templates.path(template), body});
    }
    cases.add(new String[] {"PUT", "/api/apiTokens/never-created", "{\"roles\":\"" + Tokens.OPERATOR + "\"}"});
    cases.add(new String[] {"PUT", "/api/apiTokens/never-created",
        "{\"roles\":[{\"role\":\"" + Tokens.OPERATOR + "\"}],\"expiry\":true}"});
    cases.add(new String[] {"PUT", "/api/apiTokens/never-created", "{\"roles\":[{\"role\":7}]}"});
    cases.add(new String[] {"PUT", d + "/attestation", "{\"type\":[\"symmetricKey\"]}"});
    cases.add(new String[] {"PATCH", d + "/properties", "{\"TargetTemperature\":\"21\"}"});
    cases.add(new String[] {"PATCH", d + "/properties", "{\"TargetTemperature\":{\"value\":21}}"});
    cases.add(new String[] {"PATCH", d + "/properties", "{\"TargetTemperature\":[21]}"});
    cases.add(new String[] {"PATCH", d + "/properties", "{\"TargetTemperature\":1e400}"});
    cases.add(new String[] {"PATCH", d + "/properties", "{\"CustomerName\":{}}"});
    for (String[] c : cases) {
      ApiClient.Response r = api.send(HttpMethod.valueOf(c[0]), c[1] + "?api-version=2022-07-31", c[2],
          "application/json");
      assertThat(r.status()).as("%s %s %s -> %s", c[0], c[1], c[2], r).isEqualTo(400);
      assertBadRequest(r);
    }
    assertNothingChanged();
  }

  @Test
  void wrongTypeMessagesNameTheField() {
    assertThat(assertBadRequest(api.patch("/api/devices/" + device, "{\"enabled\":\"yes\"}"))).contains("enabled");
    assertThat(assertBadRequest(api.put(group, "{\"displayName\":5,\"filter\":\"x\"}"))).contains("displayName");
    assertNothingChanged();
  }

  @Test
  void idsBreakingThePatternsAre400AndCreateNothing() {
    Map<String, String> puts = Map.of(
        "/api/devices/with%20space", "{}",
        "/api/devices/" + "d".repeat(129), "{}",
        "/api/devices/caf%C3%A9", "{}",
        "/api/devices/slash%2Fid", "{}",
        "/api/deviceGroups/bang!", "{\"displayName\":\"x\",\"filter\":\"SELECT * FROM devices WHERE $enabled = true\"}",
        "/api/deviceGroups/dot.ted", "{\"displayName\":\"x\",\"filter\":\"SELECT * FROM devices WHERE $enabled = true\"}",
        "/api/apiTokens/has%20spaces", Tokens.body(Tokens.OPERATOR, null),
        "/api/apiTokens/semi%3Bcolon", Tokens.body(Tokens.OPERATOR, null),
        "/api/deviceTemplates/thermostat", Templates.aRefrigeratedTruck("Not a DTMI"),
        "/api/deviceTemplates/dtmi%3Acontoso%3Athing%3B01", Templates.aRefrigeratedTruck("Leading zero"));
    puts.forEach((path, body) -> {
      ApiClient.Response r = api.put(path, body);
      assertThat(r.status()).as("PUT %s -> %s", path, r).isIn(400, 404);
      assertError(r, r.status(), r.status() == 400 ? "BadRequest" : "NotFound");
    });
    assertNothingChanged();
  }

  @Test
  void unknownReferencesAndMissingResources() {
    String d = "/api/devices/" + device;
    assertBadRequest(api.patch(d, "{\"template\":\"dtmi:unknown:template;1\"}"));
    assertError(api.get("/api/deviceGroups/no-such-group"), 404, "NotFound");
    assertError(api.patch("/api/deviceGroups/no-such-group", "{\"displayName\":\"x\"}"), 404, "NotFound");
    assertError(api.get("/api/deviceGroups/no-such-group/devices"), 404, "NotFound");
    assertError(api.patch("/api/devices/no-such-device", "{\"displayName\":\"x\"}"), 404, "NotFound");
    assertError(api.patch(d + "/components/nope/properties", "{\"x\":1}"), 404, "NotFound");
    assertNothingChanged();
  }

  @Test
  void theServerStillWorksAfterAllThat() {
    for (int i = 0; i < 3; i++) {
      assertBadRequest(api.patch("/api/devices/" + device, MALFORMED));
    }
    JsonNode d = assertOk(api.patch("/api/devices/" + device, "{\"displayName\":\"still fine\"}"));
    assertThat(d.path("displayName").asText()).isEqualTo("still fine");
    assertOk(api.patch("/api/devices/" + device, "{\"displayName\":\"Truck " + device + "\"}"));
  }
}
