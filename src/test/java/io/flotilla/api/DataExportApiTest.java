package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient.Response;
import io.flotilla.testing.ServerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /dataExport/destinations} and {@code /dataExport/exports}: shapes, status codes, errors and paging. */
class DataExportApiTest extends ServerTest {
  private static final String D = "/api/dataExport/destinations/";
  private static final String E = "/api/dataExport/exports/";

  private static String webhook(String name, String extra) {
    return """
        {"displayName": "%s", "type": "webhook@v1", "url": "https://receiver.example/%s"%s}
        """.formatted(name, name, extra == null ? "" : ", " + extra);
  }

  private static String exportBody(String source, String destination, String extra) {
    return """
        {"displayName": "Export", "enabled": true, "source": "%s", "destinations": [{"id": "%s"}]%s}
        """.formatted(source, destination, extra == null ? "" : ", " + extra);
  }

  @Test
  void aWebhookDestinationIsCreatedReadPatchedListedAndDeleted() {
    JsonNode created = assertOk(api.put(D + "dest-1", webhook("dest-1", """
        "headerCustomizations": {"x-region": {"value": "west", "secret": false}, "x-key": {"value": "k", "secret": true}},
        "queryCustomizations": {"code": {"value": "abc", "secret": true}},
        "authorization": {"type": "header", "value": "Bearer t0ken"}""")));
    assertThat(created.get("id").asText()).isEqualTo("dest-1");
    assertThat(created.get("type").asText()).isEqualTo("webhook@v1");
    assertThat(created.get("url").asText()).isEqualTo("https://receiver.example/dest-1");
    assertThat(created.get("status").asText()).isEqualTo("waiting");
    assertThat(created.get("signingSecret").asText()).as("generated, shown once").hasSizeGreaterThanOrEqualTo(32);
    assertThat(created.at("/headerCustomizations/x-region/value").asText()).isEqualTo("west");
    assertThat(created.at("/headerCustomizations/x-key").has("value")).as("a secret value is never shown").isFalse();
    assertThat(created.at("/headerCustomizations/x-key/secret").asBoolean()).isTrue();
    assertThat(created.at("/queryCustomizations/code").has("value")).isFalse();
    assertThat(created.at("/authorization/type").asText()).isEqualTo("header");
    assertThat(created.at("/authorization").has("value")).isFalse();

    JsonNode read = assertOk(api.get(D + "dest-1"));
    assertThat(read.has("signingSecret")).isFalse();
    assertThat(read.get("displayName").asText()).isEqualTo("dest-1");

    JsonNode patched = assertOk(api.patch(D + "dest-1", "{\"displayName\": \"Renamed\"}"));
    assertThat(patched.get("displayName").asText()).isEqualTo("Renamed");
    assertThat(patched.has("signingSecret")).as("kept, not regenerated").isFalse();
    assertThat(patched.at("/headerCustomizations/x-key/secret").asBoolean()).isTrue();
    // a replace that sends a secret customization back without its value keeps the stored value
    assertOk(api.put(D + "dest-1", webhook("dest-1", """
        "headerCustomizations": {"x-key": {"secret": true}}""")));

    assertOk(api.put(D + "dest-2", webhook("dest-2", "\"signingSecret\": \"my-own-signing-secret-1234\"")));
    assertThat(assertOk(api.get(D + "dest-2")).has("signingSecret")).isFalse();

    JsonNode page = assertOk(api.get("/api/dataExport/destinations?maxpagesize=1"));
    assertThat(page.get("value")).hasSize(1);
    assertThat(page.get("value").get(0).get("id").asText()).isEqualTo("dest-1");
    JsonNode next = assertOk(api.getAbs(page.get("nextLink").asText()));
    assertThat(next.get("value").get(0).get("id").asText()).isEqualTo("dest-2");
    assertThat(next.has("nextLink")).isFalse();

    assertThat(api.delete(D + "dest-2").status()).isEqualTo(204);
    assertError(api.get(D + "dest-2"), 404, "NotFound");
    assertError(api.delete(D + "dest-2"), 404, "NotFound");
    assertThat(api.delete(D + "dest-1").status()).isEqualTo(204);
  }

  @Test
  void whatFlotillaDoesNotDeliverOrCannotUseIsABadRequest() {
    assertThat(assertBadRequest(api.put(D + "blob", """
        {"displayName": "Blob", "type": "blobstorage@v1", "connectionString": "x", "containerName": "c"}
        """))).contains("blobstorage@v1").contains("webhook@v1");
    assertBadRequest(api.put(D + "no-url", "{\"displayName\": \"x\", \"type\": \"webhook@v1\"}"));
    assertBadRequest(api.put(D + "ftp", webhook("x", "\"url\": \"ftp://host/x\"").replace(
        "\"url\": \"https://receiver.example/x\", ", "")));
    assertBadRequest(api.put(D + "no-name", "{\"type\": \"webhook@v1\", \"url\": \"https://a.example/\"}"));
    assertBadRequest(api.put(D + "oauth", webhook("o", """
        "authorization": {"type": "oauth", "tokenUrl": "https://t", "clientId": "c", "clientSecret": "s"}""")));
    assertBadRequest(api.put(D + "reserved", webhook("r", """
        "headerCustomizations": {"Content-Type": {"value": "text/plain"}}""")));
    assertBadRequest(api.put(D + "short", webhook("s", "\"signingSecret\": \"short\"")));
    assertBadRequest(api.put(D + "bad%20id", webhook("b", null)));
    assertBadRequest(api.put(D + "secret-without-value", webhook("v", """
        "headerCustomizations": {"x-key": {"secret": true}}""")));

    assertOk(api.put(D + "target", webhook("target", null)));
    assertThat(assertBadRequest(api.put(E + "bad", exportBody("audit", "target", null)))).contains("audit");
    assertBadRequest(api.put(E + "bad", exportBody("rules", "target", null)));
    assertBadRequest(api.put(E + "bad", exportBody("telemetry", "nowhere", null)));
    assertBadRequest(api.put(E + "bad", exportBody("telemetry", "target",
        "\"filter\": \"SELECT * FROM dtmi:x;1 WHERE t > 0\"")));
    assertBadRequest(api.put(E + "bad", exportBody("telemetry", "target",
        "\"enrichments\": {\"tpl\": {\"path\": \"$templateDisplayName\"}}")));
    assertBadRequest(api.put(E + "bad", """
        {"displayName": "x", "enabled": true, "source": "jobs", "destinations": [{"id": "target", "transform": "."}]}
        """));
    assertBadRequest(api.put(E + "bad", """
        {"displayName": "x", "source": "jobs", "destinations": []}
        """));
    assertError(api.get(E + "bad"), 404, "NotFound");
    assertThat(api.delete(D + "target").status()).isEqualTo(204);
  }

  @Test
  void anExportSendsToItsDestinationsWhichCannotBeDeletedWhileItDoes() {
    assertOk(api.put(D + "a", webhook("a", null)));
    assertOk(api.put(D + "b", webhook("b", null)));
    JsonNode created = assertOk(api.put(E + "x", """
        {"displayName": "Job events", "enabled": true, "source": "jobs",
         "enrichments": {"site": {"value": "plant-7"}}, "destinations": [{"id": "b"}, {"id": "a"}]}
        """));
    assertThat(created.get("id").asText()).isEqualTo("x");
    assertThat(created.get("status").asText()).isEqualTo("starting");
    assertThat(created.get("source").asText()).isEqualTo("jobs");
    assertThat(created.at("/enrichments/site/value").asText()).isEqualTo("plant-7");
    assertThat(created.get("destinations")).extracting(n -> n.get("id").asText()).containsExactly("b", "a");
    assertThat(created.get("errorCount").asLong()).isZero();

    assertThat(assertOk(api.get(D + "a/exports")).get("value")).extracting(n -> n.get("id").asText())
        .containsExactly("x");
    assertThat(assertOk(api.get(E + "x/destinations")).get("value")).extracting(n -> n.get("id").asText())
        .containsExactly("b", "a");
    assertThat(assertError(api.delete(D + "a"), 409, "Conflict")).contains("\"x\"");

    JsonNode disabled = assertOk(api.patch(E + "x", "{\"enabled\": false, \"destinations\": [{\"id\": \"b\"}]}"));
    assertThat(disabled.get("status").asText()).isEqualTo("notStarted");
    assertThat(disabled.get("enabled").asBoolean()).isFalse();
    assertThat(disabled.at("/enrichments/site/value").asText()).as("kept by the merge").isEqualTo("plant-7");
    assertThat(api.delete(D + "a").status()).as("no longer used").isEqualTo(204);

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertOk(api.put(E + "p-" + i, exportBody("telemetry", "b", null)));
    }
    String url = "/api/dataExport/exports?maxpagesize=2";
    JsonNode page = assertOk(api.get(url));
    while (true) {
      page.get("value").forEach(n -> ids.add(n.get("id").asText()));
      if (!page.has("nextLink")) {
        break;
      }
      page = assertOk(api.getAbs(page.get("nextLink").asText()));
    }
    assertThat(ids).containsExactly("p-0", "p-1", "p-2", "x");
    for (String id : ids) {
      assertThat(api.delete(E + id).status()).isEqualTo(204);
    }
    assertError(api.delete(E + "x"), 404, "NotFound");
    assertThat(api.delete(D + "b").status()).isEqualTo(204);
    Response preview = api.get("/api/dataExport/exports?api-version=2022-10-31-preview");
    assertThat(assertOk(preview).get("value")).isEmpty();
  }
}
