package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.Devices;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Templates;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The list parameters of 2022-10-31-preview on {@code /devices}, {@code /deviceGroups} and {@code /deviceTemplates}:
 * {@code filter} and {@code orderby} select and order, nextLinks carry them, bad values and other api-versions are
 * 400s naming the parameter; never is the whole collection answered instead.
 */
class ListParametersApiTest extends ServerTest {
  private static final String PREVIEW = "api-version=2022-10-31-preview";
  private static String truck;
  private static String sensor;
  /** display name by device id, of the devices made here */
  private static final Map<String, String> names = new TreeMap<>();

  @BeforeAll
  static void fleet() {
    truck = Templates.publishTruck(api, "Zeta trucks");
    sensor = Templates.publishTruck(api, "Alpha sensors");
    String[] displayNames = {"pump", "alpha", "zulu", "pump", "mike", "bravo", "alpha", "kilo", "pump"};
    for (int i = 0; i < displayNames.length; i++) {
      String id = String.format("lp-%02d", (i * 5) % displayNames.length);
      String tpl = i % 3 == 0 ? sensor : truck;
      Devices.create(api, id, """
          {"displayName": "%s", "template": "%s", "enabled": %s, "simulated": %s}
          """.formatted(displayNames[i], tpl, i % 2 == 0, i % 4 == 0));
      names.put(id, displayNames[i]);
    }
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Every item of a list, following nextLinks; checks each nextLink keeps filter and orderby. */
  private static List<JsonNode> all(String first) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode page = assertOk(api.get(first));
    while (true) {
      page.path("value").forEach(out::add);
      if (!page.hasNonNull("nextLink")) {
        return out;
      }
      String next = page.path("nextLink").asText();
      for (String kept : new String[] {"filter=", "orderby="}) {
        if (first.contains(kept)) {
          assertThat(next).as("nextLink keeps %s", kept).contains(first.substring(first.indexOf(kept)).split("&")[0]);
        }
      }
      page = assertOk(api.getAbs(next));
    }
  }

  private static List<String> ids(String first) {
    return all(first).stream().map(n -> n.path("id").asText()).toList();
  }

  @Test
  void aDeviceFilterSelectsAndEveryPageKeepsIt() {
    String filter = q("template eq '" + truck + "' and enabled eq true");
    List<String> got = ids("/api/devices?" + PREVIEW + "&maxpagesize=2&filter=" + filter);
    List<String> want = new ArrayList<>();
    for (JsonNode d : assertOk(api.get("/api/devices?maxpagesize=100")).path("value")) {
      if (d.path("template").asText().equals(truck) && d.path("enabled").asBoolean()) {
        want.add(d.path("id").asText());
      }
    }
    assertThat(want).isNotEmpty().hasSizeLessThan(names.size());
    assertThat(got).isEqualTo(want);
  }

  @Test
  void orderbyDisplayNameAscendingAndDescendingBreaksTiesById() {
    Comparator<Map.Entry<String, String>> byName = Map.Entry.<String, String>comparingByValue()
        .thenComparing(Map.Entry.comparingByKey());
    List<String> asc = names.entrySet().stream().sorted(byName).map(Map.Entry::getKey).toList();
    List<String> desc = names.entrySet().stream().sorted(byName.reversed()).map(Map.Entry::getKey).toList();
    String lp = "&filter=" + q("startswith(id, 'lp-')");
    assertThat(ids("/api/devices?" + PREVIEW + "&maxpagesize=2&orderby=displayName" + lp)).isEqualTo(asc);
    assertThat(ids("/api/devices?" + PREVIEW + "&maxpagesize=3&orderby=" + q("displayName asc") + lp))
        .isEqualTo(asc);
    assertThat(ids("/api/devices?" + PREVIEW + "&maxpagesize=2&orderby=" + q("displayName desc") + lp))
        .isEqualTo(desc);
    assertThat(ids("/api/devices?" + PREVIEW + "&maxpagesize=4&%24orderby=" + q("id desc") + lp))
        .isEqualTo(names.keySet().stream().sorted(Comparator.reverseOrder()).toList());
  }

  @Test
  void containsAndTheOtherOperatorsWork() {
    assertThat(ids("/api/devices?" + PREVIEW + "&filter=" + q("contains(displayName, 'ump')")))
        .containsExactlyElementsOf(names.entrySet().stream().filter(e -> e.getValue().contains("ump"))
            .map(Map.Entry::getKey).toList());
    assertThat(ids("/api/devices?" + PREVIEW + "&%24filter=" + q("id ge 'lp-03' and id lt 'lp-06'")))
        .containsExactly("lp-03", "lp-04", "lp-05");
    assertThat(ids("/api/devices?" + PREVIEW + "&filter=" + q("displayName eq 'zulu' or displayName eq 'kilo'")))
        .containsExactlyInAnyOrderElementsOf(names.entrySet().stream()
            .filter(e -> e.getValue().equals("zulu") || e.getValue().equals("kilo")).map(Map.Entry::getKey).toList());
    assertThat(ids("/api/devices?" + PREVIEW + "&filter=" + q("simulated eq true and startswith(id, 'lp-')")))
        .hasSize(3);
    assertThat(ids("/api/devices?" + PREVIEW + "&filter=" + q("scopes eq 'nowhere'"))).isEmpty();
  }

  @Test
  void groupsAndTemplatesFilterAndOrderToo() {
    List<JsonNode> templates = all("/api/deviceTemplates?" + PREVIEW + "&maxpagesize=1&orderby=displayName");
    assertThat(templates).extracting(t -> t.path("displayName").asText()).containsExactly("Alpha sensors",
        "Zeta trucks");
    assertThat(all("/api/deviceTemplates?" + PREVIEW + "&filter=" + q("@id eq '" + truck + "'")))
        .extracting(t -> t.path("@id").asText()).containsExactly(truck);
    assertThat(all("/api/deviceTemplates?" + PREVIEW + "&filter="
        + q("capabilityModelId eq 'dtmi:contoso:RefrigeratedTruck;1'"))).hasSize(2);
    assertThat(all("/api/deviceTemplates?" + PREVIEW + "&filter=" + q("capabilityModelId eq 'dtmi:other;1'")))
        .isEmpty();

    Map.of("lp-b", "Group y", "lp-a", "Group z", "lp-c", "Group x").forEach((g, name) -> assertOk(api.put(
        "/api/deviceGroups/" + g, "{\"displayName\": \"" + name + "\", \"filter\": \"SELECT * FROM devices\"}")));
    assertThat(ids("/api/deviceGroups?" + PREVIEW + "&maxpagesize=1&orderby=displayName&filter="
        + q("startswith(id, 'lp-')"))).containsExactly("lp-c", "lp-b", "lp-a");
    assertThat(ids("/api/deviceGroups?" + PREVIEW + "&filter=" + q("displayName eq 'Group y'")))
        .containsExactly("lp-b");
  }

  @Test
  void badFiltersAndOrdersAre400NamingTheProblem() {
    Map<String, String> bad = Map.of(
        "filter=" + q("colour eq 'red'"), "unknown field \"colour\"",
        "filter=" + q("enabled eq 'yes'"), "is boolean",
        "filter=" + q("enabled gt true"), "only eq and ne",
        "filter=" + q("displayName eq true"), "is a string",
        "filter=" + q("id eq 'a' id eq 'b'"), "position 11",
        "filter=" + q("contains(enabled, 'x')"), "needs a string field",
        "filter=" + q("id like 'a'"), "expected eq, ne",
        "filter=" + q("(id eq 'a'"), "expected \")\"",
        "orderby=" + q("template"), "Invalid orderby",
        "orderby=" + q("displayName sideways"), "Invalid orderby");
    bad.forEach((query, message) -> assertThat(assertBadRequest(api.get("/api/devices?" + PREVIEW + "&" + query)))
        .as(query).contains(message));
    assertThat(assertBadRequest(api.get("/api/devices?" + PREVIEW + "&filter=" + q("id eq 'a'") + "&%24filter="
        + q("id eq 'b'")))).contains("not both");
    assertThat(assertBadRequest(api.get("/api/deviceTemplates?" + PREVIEW + "&filter=" + q("id eq 'x'"))))
        .contains("unknown field \"id\"");
    assertThat(assertBadRequest(api.get("/api/deviceGroups?" + PREVIEW + "&filter=" + q("enabled eq true"))))
        .contains("unknown field \"enabled\"");
    // a skiptoken from one order used with another
    String next = assertOk(api.get("/api/devices?" + PREVIEW + "&maxpagesize=2")).path("nextLink").asText();
    String token = next.substring(next.indexOf("skiptoken=") + "skiptoken=".length());
    assertBadRequest(api.get("/api/devices?" + PREVIEW + "&orderby=displayName&%24skiptoken=" + token));
  }

  @Test
  void theListParametersAreRefusedUnderTheOtherVersionsNeverIgnored() {
    for (String version : new String[] {"2022-07-31", "2022-05-31", "1.0", "preview"}) {
      for (String list : new String[] {"/api/devices", "/api/deviceGroups", "/api/deviceTemplates"}) {
        for (String p : new String[] {"filter=" + q("id eq 'lp-01'"), "orderby=displayName",
            "%24filter=" + q("id eq 'lp-01'"), "%24orderby=displayName"}) {
          String message = assertBadRequest(api.get(list + "?api-version=" + version + "&" + p));
          assertThat(message).as("%s %s %s", version, list, p).contains("is not supported by")
              .contains("under api-version " + version).contains("2022-10-31-preview");
        }
      }
    }
  }

  @Test
  void expandIsCheckedOnEveryDeviceOperation() {
    String id = Devices.createTruck(api, "lx", truck);
    assertOk(api.get("/api/devices/" + id + "?" + PREVIEW + "&expand=deploymentManifest"));
    assertOk(api.get("/api/devices?" + PREVIEW + "&expand=deploymentManifest&maxpagesize=1"));
    assertOk(api.patch("/api/devices/" + id + "?" + PREVIEW + "&expand=deploymentManifest", "{\"displayName\":\"x\"}"));
    assertThat(assertBadRequest(api.get("/api/devices/" + id + "?" + PREVIEW + "&expand=twin")))
        .contains("deploymentManifest");
    assertThat(assertBadRequest(api.get("/api/devices/" + id + "?" + PREVIEW + "&expand=a%2Cb")))
        .contains("letters, digits");
    assertThat(assertBadRequest(api.get("/api/devices/" + id + "?api-version=2022-07-31&expand=deploymentManifest")))
        .contains("\"expand\"");
    assertThat(assertBadRequest(api.get("/api/devices/" + id + "/credentials?" + PREVIEW
        + "&expand=deploymentManifest"))).contains("Devices_GetCredentials");
    assertThat(api.delete("/api/devices/" + id + "?" + PREVIEW + "&expand=deploymentManifest").status())
        .isEqualTo(204);
  }
}
