package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.Tokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /fileUploads}: the upload configuration's life cycle, validation, etags, versions and roles. */
class FileUploadsApiTest extends ServerTest {
  private static final String P = "/api/fileUploads";

  @BeforeEach
  void noConfiguration() {
    api.delete(P);
  }

  @Test
  void theConfigurationIsCreatedReadPatchedAndRemoved() {
    assertError(api.get(P), 404, "NotFound");
    JsonNode created = assertOk(api.put(P, """
        {"account": "acct", "connectionString": "local", "container": "fileuploads", "sasTtl": "PT2H"}"""));
    assertThat(created.get("account").asText()).isEqualTo("acct");
    assertThat(created.get("connectionString").asText()).isEqualTo("local");
    assertThat(created.get("container").asText()).isEqualTo("fileuploads");
    assertThat(created.get("sasTtl").asText()).isEqualTo("PT2H");
    assertThat(created.get("state").asText()).isEqualTo("succeeded");
    assertThat(created.get("etag").asText()).isNotEmpty();
    assertThat(created.has("readAccess")).as("a 2022-10-31-preview field").isFalse();
    assertThat(created.has("signingKey")).isFalse();
    assertThat(assertOk(api.get(P))).isEqualTo(created);

    JsonNode patched = assertOk(api.patch(P, "{\"container\": \"other-box\", \"account\": null}"));
    assertThat(patched.get("container").asText()).isEqualTo("other-box");
    assertThat(patched.has("account")).as("merge patch: null removes").isFalse();
    assertThat(patched.get("sasTtl").asText()).as("kept").isEqualTo("PT2H");
    assertThat(patched.get("etag").asText()).isNotEqualTo(created.get("etag").asText());

    JsonNode defaults = assertOk(api.put(P, "{\"connectionString\": \"LOCAL\", \"container\": \"abc\"}"));
    assertThat(defaults.get("sasTtl").asText()).as("IoT Hub's default").isEqualTo("PT1H");
    assertThat(defaults.has("account")).isFalse();

    assertStatus(api.delete(P), 204);
    assertError(api.get(P), 404, "NotFound");
    assertError(api.delete(P), 404, "NotFound");
    assertError(api.patch(P, "{\"container\": \"abc\"}"), 404, "NotFound");
  }

  @Test
  void everyBadFieldIsA400NamingIt() {
    assertThat(bad("{\"container\": \"abc\"}")).contains("connectionString");
    assertThat(bad("{\"connectionString\": \"local\"}")).contains("container");
    assertThat(bad("""
        {"connectionString": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k==", "container": "abc"}"""))
        .contains("connectionString").contains("not supported");
    assertThat(bad("{\"connectionString\": \"s3://bucket\", \"container\": \"abc\"}")).contains("connectionString");
    for (String container : new String[] {"ab", "Upper", "a--b", "-ab", "ab-", "../x", "a/b", "x".repeat(64)}) {
      assertThat(bad("{\"connectionString\": \"local\", \"container\": \"" + container + "\"}"))
          .as(container).contains("container");
    }
    for (String ttl : new String[] {"1h", "PT30S", "P2D", "\"\""}) {
      String value = ttl.startsWith("\"") ? ttl : "\"" + ttl + "\"";
      assertThat(bad("{\"connectionString\": \"local\", \"container\": \"abc\", \"sasTtl\": " + value + "}"))
          .as(ttl).contains("sasTtl");
    }
    assertThat(bad("{\"connectionString\": 5, \"container\": \"abc\"}")).contains("connectionString");
    assertThat(bad("{\"connectionString\": \"local\", \"container\": \"abc\", \"readAccess\": \"yes\"}"))
        .contains("readAccess");
    assertError(api.put(P, "[1]"), 400, "BadRequest");
    assertError(api.get(P), 404, "NotFound");

    assertOk(api.put(P, "{\"connectionString\": \"local\", \"container\": \"abc\"}"));
    assertThat(assertBadRequest(api.patch(P, "{\"connectionString\": null}"))).contains("connectionString");
    assertThat(assertOk(api.get(P)).get("connectionString").asText()).as("a rejected patch changes nothing")
        .isEqualTo("local");
  }

  private static String bad(String body) {
    ApiClient.Response r = api.put(P, body);
    assertThat(r.status()).as(body).isEqualTo(400);
    return r.json().at("/error/message").asText();
  }

  @Test
  void aStaleBodyEtagIsRejectedAndAMatchingOneAccepted() {
    String etag = assertOk(api.put(P, "{\"connectionString\": \"local\", \"container\": \"abc\"}")).get("etag").asText();
    String stale = "\"stale\"";
    assertThat(api.patch(P, "{\"container\": \"abd\", \"etag\": " + ApiClient.JSON.valueToTree(stale) + "}").status())
        .isEqualTo(412);
    assertThat(api.put(P, "{\"connectionString\": \"local\", \"container\": \"abd\", \"etag\": "
        + ApiClient.JSON.valueToTree(stale) + "}").status()).isEqualTo(412);
    assertOk(api.patch(P, "{\"container\": \"abe\", \"etag\": " + ApiClient.JSON.valueToTree(etag) + "}"));
    assertThat(assertOk(api.get(P)).get("container").asText()).isEqualTo("abe");
  }

  @Test
  void readAccessIsAPreviewFieldAndVersion10HasNoFileUploads() {
    String base = "http://127.0.0.1:" + api.port() + P;
    JsonNode preview = assertOk(api.put(P + "?api-version=2022-10-31-preview",
        "{\"connectionString\": \"local\", \"container\": \"abc\", \"readAccess\": true}"));
    assertThat(preview.get("readAccess").asBoolean()).isTrue();
    assertThat(assertOk(api.get(P + "?api-version=2022-05-31")).has("readAccess")).isFalse();
    assertThat(assertOk(api.getAbs(base + "?api-version=preview")).get("readAccess").asBoolean()).isTrue();
    assertError(api.getAbs(base + "?api-version=1.0"), 404, "NotFound");
    assertThat(api.get(P + "?api-version=2022-07-31&foo=1").status()).as("an unknown parameter").isEqualTo(400);
  }

  @Test
  void onlyAdministratorsMayReadOrChangeTheConfiguration() {
    assertOk(api.put(P, "{\"connectionString\": \"local\", \"container\": \"abc\"}"));
    for (String role : new String[] {Tokens.OPERATOR, Tokens.BUILDER}) {
      ApiClient other = api.as(Tokens.create(api, role));
      assertError(other.get(P), 403, "Forbidden");
      assertError(other.put(P, "{\"connectionString\": \"local\", \"container\": \"abd\"}"), 403, "Forbidden");
      assertError(other.patch(P, "{\"container\": \"abd\"}"), 403, "Forbidden");
      assertError(other.delete(P), 403, "Forbidden");
      assertError(other.get(P + "/files"), 403, "Forbidden");
    }
    assertThat(assertOk(api.get(P)).get("container").asText()).isEqualTo("abc");
  }
}
