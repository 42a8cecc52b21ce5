package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.ServerTest;
import io.flotilla.testing.TestCertificates;
import io.flotilla.testing.TestCertificates.Issued;
import io.flotilla.testing.Tokens;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * X.509 enrollment groups (reference §5.8): signing certificates per entry, the generateVerificationCode / verify
 * proof of possession, and x509 device attestation by thumbprint (§5.3).
 */
class X509EnrollmentApiTest extends ServerTest {
  private static final String V = "?api-version=2022-07-31";

  private static String x509Group(String primaryCertificate) {
    return "{\"displayName\":\"X509 devices\",\"type\":\"iot\",\"attestation\":{\"type\":\"x509\",\"x509\":"
        + "{\"signingCertificates\":{\"primary\":{\"certificate\":\"" + primaryCertificate.replace("\n", "\\n")
        + "\"}}}}}";
  }

  private static String certificateBody(String certificate) {
    return ApiClient.JSON.createObjectNode().put("certificate", certificate).toString();
  }

  @Test
  void aGroupCertificateIsVerifiedByProvingPossessionOfItsKey() {
    Issued ca = TestCertificates.authority("Flotilla Test CA 1");
    JsonNode group = assertOk(api.put("/api/enrollmentGroups/x509-one" + V, x509Group(ca.base64())));
    JsonNode primary = group.path("attestation").path("x509").path("signingCertificates").path("primary");
    assertThat(group.path("attestation").path("type").asText()).isEqualTo("x509");
    assertThat(primary.path("verified").asBoolean()).isFalse();
    assertThat(primary.path("info").path("sha1Thumbprint").asText()).isEqualTo(TestCertificates.thumbprint(ca));
    assertThat(primary.path("certificate").asText()).isEqualTo(ca.base64());
    assertThat(primary.path("etag").asText()).isNotEmpty();
    assertThat(group.path("attestation").has("symmetricKey")).isFalse();

    String path = "/api/enrollmentGroups/x509-one/certificates/primary";
    assertThat(assertOk(api.get(path + V))).isEqualTo(primary);
    // verify before any code was generated
    Issued early = TestCertificates.leaf("whatever", ca);
    assertBadRequest(api.post(path + "/verify" + V, certificateBody(early.base64())));

    String code = assertOk(api.post(path + "/generateVerificationCode" + V, "")).path("verificationCode").asText();
    assertThat(code).matches("[0-9A-F]{32}");
    // signed by another key: 400, still unverified
    Issued other = TestCertificates.authority("Someone else");
    assertBadRequest(api.post(path + "/verify" + V, certificateBody(TestCertificates.leaf(code, other).base64())));
    // right signer, wrong CN: 400
    assertBadRequest(api.post(path + "/verify" + V, certificateBody(TestCertificates.leaf("not-the-code", ca)
        .base64())));
    // right signer, expired: 400
    assertBadRequest(api.post(path + "/verify" + V, certificateBody(TestCertificates.leaf(code, ca,
        Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1))).base64())));
    assertThat(assertOk(api.get(path + V)).path("verified").asBoolean()).isFalse();

    assertStatus(api.post(path + "/verify" + V, certificateBody(TestCertificates.leaf(code, ca).pem())), 204);
    JsonNode verified = assertOk(api.get(path + V));
    assertThat(verified.path("verified").asBoolean()).isTrue();
    assertThat(verified.path("etag").asText()).isNotEqualTo(primary.path("etag").asText());
    // the code is used up
    assertBadRequest(api.post(path + "/verify" + V, certificateBody(TestCertificates.leaf(code, ca).base64())));
  }

  @Test
  void entriesArePutReplacedAndRemovedAndAReplacementStartsUnverified() {
    Issued ca = TestCertificates.authority("Flotilla Test CA 2");
    assertOk(api.put("/api/enrollmentGroups/x509-two" + V, x509Group(ca.pem())));
    String secondary = "/api/enrollmentGroups/x509-two/certificates/secondary";
    assertError(api.get(secondary + V), 404, "NotFound");
    Issued ca2 = TestCertificates.authority("Flotilla Test CA 3");
    JsonNode put = assertOk(api.put(secondary + V, "{\"certificate\":\"" + ca2.base64() + "\",\"verified\":true}"));
    assertThat(put.path("verified").asBoolean()).as("uploaded as verified, as IoT Central allows").isTrue();
    assertThat(put.path("info").path("sha1Thumbprint").asText()).isEqualTo(TestCertificates.thumbprint(ca2));
    // a stale etag is refused
    assertStatus(api.put(secondary + V, "{\"certificate\":\"" + ca.base64() + "\",\"etag\":\"\\\"stale\\\"\"}"), 412);
    JsonNode replaced = assertOk(api.put(secondary + V, "{\"certificate\":\"" + ca.base64() + "\",\"etag\":"
        + put.path("etag").toString() + "}"));
    assertThat(replaced.path("verified").asBoolean()).isFalse();
    JsonNode group = assertOk(api.get("/api/enrollmentGroups/x509-two" + V));
    assertThat(group.path("attestation").path("x509").path("signingCertificates").has("secondary")).isTrue();

    assertStatus(api.delete(secondary + V), 204);
    assertError(api.delete(secondary + V), 404, "NotFound");
    assertError(api.post(secondary + "/generateVerificationCode" + V, ""), 404, "NotFound");
    assertThat(assertOk(api.get("/api/enrollmentGroups/x509-two" + V)).path("attestation").path("x509")
        .path("signingCertificates").has("secondary")).isFalse();
  }

  @Test
  void malformedCertificatesEntriesAndSymmetricGroupsAre400() {
    Issued ca = TestCertificates.authority("Flotilla Test CA 4");
    assertBadRequest(api.put("/api/enrollmentGroups/x509-bad" + V, x509Group("bm90IGEgY2VydA==")));
    assertBadRequest(api.put("/api/enrollmentGroups/x509-bad" + V, "{\"displayName\":\"x\",\"type\":\"iot\","
        + "\"attestation\":{\"type\":\"x509\"}}"));
    assertBadRequest(api.put("/api/enrollmentGroups/x509-bad" + V, "{\"displayName\":\"x\",\"type\":\"iot\","
        + "\"attestation\":{\"type\":\"tpm\"}}"));
    assertOk(api.put("/api/enrollmentGroups/x509-ok" + V, x509Group(ca.base64())));
    assertBadRequest(api.get("/api/enrollmentGroups/x509-ok/certificates/tertiary" + V));
    assertBadRequest(api.put("/api/enrollmentGroups/x509-ok/certificates/primary" + V, "{}"));
    assertBadRequest(api.put("/api/enrollmentGroups/x509-ok/certificates/primary" + V, "{\"certificate\":\"%%\"}"));
    assertBadRequest(api.post("/api/enrollmentGroups/x509-ok/certificates/primary/verify" + V, "{}"));
    assertError(api.get("/api/enrollmentGroups/absent/certificates/primary" + V), 404, "NotFound");
    assertBadRequest(api.put("/api/enrollmentGroups/default-sas/certificates/primary" + V,
        certificateBody(ca.base64())));
  }

  @Test
  void operatorsCannotTouchCertificates() {
    Issued ca = TestCertificates.authority("Flotilla Test CA 5");
    assertOk(api.put("/api/enrollmentGroups/x509-roles" + V, x509Group(ca.base64())));
    ApiClient operator = api.as(Tokens.create(api, Tokens.OPERATOR));
    assertError(operator.get("/api/enrollmentGroups/x509-roles/certificates/primary" + V), 403, "Forbidden");
    assertError(operator.post("/api/enrollmentGroups/x509-roles/certificates/primary/generateVerificationCode" + V,
        ""), 403, "Forbidden");
    ApiClient builder = api.as(Tokens.create(api, Tokens.BUILDER));
    assertOk(builder.post("/api/enrollmentGroups/x509-roles/certificates/primary/generateVerificationCode" + V, ""));
  }

  @Test
  void x509DeviceAttestationStoresThumbprints() {
    assertOk(api.put("/api/devices/x509-dev-1" + V, "{\"displayName\":\"x\"}"));
    Issued self = TestCertificates.selfSigned("x509-dev-1");
    JsonNode a = assertOk(api.put("/api/devices/x509-dev-1/attestation" + V, "{\"type\":\"x509\",\"x509\":"
        + "{\"clientCertificates\":{\"primary\":{\"certificate\":\"" + self.base64() + "\"},\"secondary\":{\"info\":"
        + "{\"sha1Thumbprint\":\"" + "ab".repeat(20) + "\"}}}}}"));
    assertThat(a.path("x509").path("clientCertificates").path("primary").path("info").path("sha1Thumbprint").asText())
        .isEqualTo(TestCertificates.thumbprint(self));
    assertThat(a.path("x509").path("clientCertificates").path("secondary").path("info").path("sha1Thumbprint")
        .asText()).isEqualTo("AB".repeat(20));
    assertBadRequest(api.put("/api/devices/x509-dev-1/attestation" + V, "{\"type\":\"x509\",\"x509\":"
        + "{\"clientCertificates\":{\"primary\":{\"info\":{\"sha1Thumbprint\":\"xyz\"}}}}}"));
    assertBadRequest(api.put("/api/devices/x509-dev-1/attestation" + V, "{\"type\":\"x509\",\"x509\":"
        + "{\"clientCertificates\":{}}}"));
  }
}
