package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Tokens;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Paging of every list (D-j): {@code maxpagesize}, absolute {@code nextLink}s, keyset {@code $skiptoken}s. */
class PagingApiTest extends ServerTest {
  private static final int FLEET = 30;
  private static String truck;
  private static final List<String> fleet = new ArrayList<>();

  @BeforeAll
  static void start() {
    truck = Templates.publishTruck(api, "Paged truck");
    for (int i = 0; i < FLEET; i++) {
      fleet.add(Devices.create(api, String.format("m-%03d", i * 10), Devices.aTruck("Paged " + i, truck)));
    }
  }

  /** Follows nextLinks from {@code first}; answers every id seen, in order (duplicates kept). */
  private static List<String> followAll(String first, String idField, Runnable betweenPages) {
    List<String> seen = new ArrayList<>();
    JsonNode page = assertOk(api.get(first));
    while (true) {
      page.path("value").forEach(v -> seen.add(v.path(idField).asText()));
      if (!page.hasNonNull("nextLink")) {
        return seen;
      }
      betweenPages.run();
      page = assertOk(api.getAbs(page.path("nextLink").asText()));
    }
  }

  private static Map<String, String> query(String url) {
    Map<String, String> q = new LinkedHashMap<>();
    for (String part : URI.create(url).getRawQuery().split("&")) {
      int eq = part.indexOf('=');
      q.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }

  @Test
  void nextLinkIsAbsoluteAndKeepsTheOriginalQuery() {
    JsonNode page = assertOk(api.get("/api/devices?api-version=2022-10-31-preview&maxpagesize=7"));
    assertThat(page.path("value").size()).isEqualTo(7);
    String next = page.path("nextLink").asText();
    assertThat(next).startsWith("http://127.0.0.1:" + api.port() + "/api/devices?");
    Map<String, String> q = query(next);
    assertThat(q).containsEntry("api-version", "2022-10-31-preview").containsEntry("maxpagesize", "7")
        .containsKey("$skiptoken");

    JsonNode second = assertOk(api.getAbs(next));
    assertThat(second.path("value").size()).isEqualTo(7);
    String nextNext = second.path("nextLink").asText();
    assertThat(query(nextNext).get("$skiptoken")).isNotEqualTo(q.get("$skiptoken"));
    assertThat(nextNext.split("skiptoken=", -1)).as("one $skiptoken only").hasSize(2);
  }

  @Test
  void followingNextLinksReturnsEveryItemOnce() {
    for (int size : new int[] {1, 7, 10, 29, 30, 100}) {
      List<String> seen = followAll("/api/devices?maxpagesize=" + size, "id", () -> { });
      assertThat(seen).as("page size %d", size).containsExactlyElementsOf(fleet);
    }
  }

  @Test
  void theLastPageHasNoNextLink() {
    JsonNode all = assertOk(api.get("/api/devices?maxpagesize=" + FLEET));
    assertThat(all.path("value").size()).isEqualTo(FLEET);
    assertThat(all.has("nextLink")).isFalse();
    JsonNode small = assertOk(api.get("/api/devices?maxpagesize=" + (FLEET - 1)));
    JsonNode last = assertOk(api.getAbs(small.path("nextLink").asText()));
    assertThat(last.path("value").size()).isEqualTo(1);
    assertThat(last.has("nextLink")).isFalse();
  }

  @Test
  void pagesAreStableUnderConcurrentInserts() {
    Set<String> before = new HashSet<>(fleet);
    int[] n = {0};
    List<String> inserted = new ArrayList<>();
    List<String> seen = followAll("/api/devices?maxpagesize=4", "id", () -> {
      // one id sorting before everything seen so far, one in the middle of the unseen rest
      String early = String.format("a-%03d", n[0]);
      String middle = String.format("m-%03d5", 100 + 10 * n[0]++);
      Devices.create(api, early, "{}");
      Devices.create(api, middle, "{}");
      inserted.add(early);
      inserted.add(middle);
    });
    try {
      assertThat(seen).doesNotHaveDuplicates();
      assertThat(seen).containsAll(before);
      assertThat(seen).isSorted();
      Set<String> extra = new HashSet<>(seen);
      extra.removeAll(before);
      assertThat(inserted).containsAll(extra);
      assertThat(extra).as("inserts after the cursor show up").isNotEmpty();
    } finally {
      inserted.forEach(id -> api.delete("/api/devices/" + id));
    }
  }

  @Test
  void maxpagesizeMustBe1To100() {
    assertThat(assertOk(api.get("/api/devices?maxpagesize=1")).path("value").size()).isEqualTo(1);
    assertThat(assertOk(api.get("/api/devices?maxpagesize=100")).path("value").size()).isEqualTo(FLEET);
    for (String bad : List.of("0", "101", "abc", "-1", "1.5", "")) {
      String message = assertBadRequest(api.get("/api/devices?maxpagesize=" + bad));
      assertThat(message).contains("maxpagesize");
    }
    for (String list : List.of("/api/deviceTemplates", "/api/deviceGroups", "/api/apiTokens", "/api/roles")) {
      assertBadRequest(api.get(list + "?maxpagesize=0"));
      assertBadRequest(api.get(list + "?maxpagesize=101"));
    }
  }

  @Test
  void defaultPageSizeIs25UnderThePreviewAnd100Otherwise() {
    JsonNode preview = assertOk(api.get("/api/devices?api-version=2022-10-31-preview"));
    assertThat(preview.path("value").size()).isEqualTo(25);
    assertThat(preview.has("nextLink")).isTrue();
    JsonNode ga = assertOk(api.get("/api/devices"));
    assertThat(ga.path("value").size()).isEqualTo(FLEET);
    assertThat(ga.has("nextLink")).isFalse();
  }

  @Test
  void aTamperedSkiptokenIs400() {
    String next = assertOk(api.get("/api/devices?maxpagesize=5")).path("nextLink").asText();
    String token = query(next).get("$skiptoken");
    String base = "/api/devices?api-version=2022-07-31&maxpagesize=5&$skiptoken=";

    assertBadRequest(api.get(base + "not-a-token!"));
    assertBadRequest(api.get(base + "%25%25%25"));
    char last = token.charAt(token.length() - 1);
    String flipped = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    assertBadRequest(api.get(base + flipped));
    String shortened = token.substring(0, token.length() - 2);
    assertBadRequest(api.get(base + shortened));
    assertThat(assertOk(api.get(base + token)).path("value").size()).isEqualTo(5);
  }

  @Test
  void everyListPages() {
    for (int i = 0; i < 4; i++) {
      Templates.publishTruck(api, "Extra " + i);
      Tokens.create(api, Tokens.OPERATOR);
    }
    List<String> templates = followAll("/api/deviceTemplates?maxpagesize=2", "@id", () -> { });
    assertThat(templates).hasSize(5).doesNotHaveDuplicates().contains(truck);
    assertThat(new HashSet<>(templates)).isEqualTo(new HashSet<>(followAll("/api/deviceTemplates", "@id", () -> { })));

    List<String> groups = followAll("/api/deviceGroups?maxpagesize=2", "id", () -> { });
    assertThat(groups).hasSize(5).doesNotHaveDuplicates();

    assertThat(followAll("/api/roles?maxpagesize=1", "id", () -> { }))
        .containsExactlyInAnyOrder(Tokens.ADMINISTRATOR, Tokens.BUILDER, Tokens.OPERATOR);

    List<String> tokens = followAll("/api/apiTokens?maxpagesize=2", "id", () -> { });
    assertThat(tokens).doesNotHaveDuplicates().hasSize(followAll("/api/apiTokens", "id", () -> { }).size())
        .hasSizeGreaterThanOrEqualTo(5);

    String allTrucks = assertOk(api.get("/api/deviceGroups")).path("value").findValues("displayName").stream()
        .filter(n -> n.asText().equals("Paged truck - All devices")).findFirst().map(n -> "found").orElse("missing");
    assertThat(allTrucks).isEqualTo("found");
    String groupId = null;
    for (JsonNode g : assertOk(api.get("/api/deviceGroups")).path("value")) {
      if (g.path("displayName").asText().equals("Paged truck - All devices")) {
        groupId = g.path("id").asText();
      }
    }
    List<String> members = followAll("/api/deviceGroups/" + groupId + "/devices?maxpagesize=4", "id", () -> { });
    assertThat(members).containsExactlyElementsOf(fleet);
  }
}
