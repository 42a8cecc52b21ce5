package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.provisioning.EnrollmentGroup;
import io.flotilla.domain.provisioning.EnrollmentService;
import io.flotilla.domain.provisioning.SigningCertificate;
import io.flotilla.domain.provisioning.SigningCertificates;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.vertx.core.http.HttpMethod;

/**
 * {@code /enrollmentGroups}: symmetric-key and x509 enrollment groups, and the x509 groups' signing certificates with
 * their verification (they hold keys and trust anchors, hence {@code BUILD_MODELS}).
 */
public final class EnrollmentGroupRoutes implements ResourceRoutes {
  private final EnrollmentService groups;

  public EnrollmentGroupRoutes(EnrollmentService groups) {
    this.groups = groups;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.BUILD_MODELS;
    t.add(HttpMethod.GET, "/api/enrollmentGroups", p, "EnrollmentGroups_List", 200, "List enrollment groups",
        call -> groups.list(call.page()).map(page -> call.pageReply(page, EnrollmentGroupRoutes::dto))).paged();
    t.add(HttpMethod.GET, "/api/enrollmentGroups/{enrollmentGroupId}", p, "EnrollmentGroups_Get", 200,
        "Get an enrollment group", call -> groups.get(call.path("enrollmentGroupId")).map(g -> Reply.ok(dto(g))));
    t.add(HttpMethod.PUT, "/api/enrollmentGroups/{enrollmentGroupId}", p, "EnrollmentGroups_Create", 200,
        "Create or replace an enrollment group", call -> groups.put(call.path("enrollmentGroupId"),
            definition(call.objectBody(), true)).map(g -> Reply.ok(dto(g))));
    t.add(HttpMethod.PATCH, "/api/enrollmentGroups/{enrollmentGroupId}", p, "EnrollmentGroups_Update", 200,
        "Update an enrollment group (merge patch)", call -> groups.patch(call.path("enrollmentGroupId"),
            definition(call.objectBody(), false)).map(g -> Reply.ok(dto(g))));
    t.add(HttpMethod.DELETE, "/api/enrollmentGroups/{enrollmentGroupId}", p, "EnrollmentGroups_Remove", 204,
        "Delete an enrollment group", call -> groups.delete(call.path("enrollmentGroupId")).map(v -> Reply.noContent()));
    String cert = "/api/enrollmentGroups/{enrollmentGroupId}/certificates/{entry}";
    SigningCertificates certs = groups.certificates();
    t.add(HttpMethod.GET, cert, p, "EnrollmentGroups_GetX509", 200, "Get a signing certificate of an x509 group",
        call -> certs.get(call.path("enrollmentGroupId"), call.path("entry")).map(c -> Reply.ok(certificate(c))));
    t.add(HttpMethod.PUT, cert, p, "EnrollmentGroups_CreateX509", 200,
        "Set a signing certificate of an x509 group (unverified unless \"verified\": true)", call -> {
          ObjectNode body = call.objectBody();
          return certs.put(call.path("enrollmentGroupId"), call.path("entry"), upload(body, "certificate"),
              Fields.optionalString(body, "etag")).map(c -> Reply.ok(certificate(c)));
        });
    t.add(HttpMethod.DELETE, cert, p, "EnrollmentGroups_RemoveX509", 204,
        "Remove a signing certificate: devices chaining only to it are refused from their next connect",
        call -> certs.delete(call.path("enrollmentGroupId"), call.path("entry")).map(v -> Reply.noContent()));
    t.add(HttpMethod.POST, cert + "/generateVerificationCode", p, "EnrollmentGroups_GenerateVerificationCodeX509",
        200, "Generate the code a verification certificate must carry as its CN",
        call -> certs.generateVerificationCode(call.path("enrollmentGroupId"), call.path("entry"))
            .map(code -> Reply.ok(Json.MAPPER.createObjectNode().put("verificationCode", code))));
    t.add(HttpMethod.POST, cert + "/verify", p, "EnrollmentGroups_VerifyX509", 204,
        "Verify a signing certificate with a certificate whose CN is the verification code, signed by its key",
        call -> certs.verify(call.path("enrollmentGroupId"), call.path("entry"),
            Fields.requiredString(call.objectBody(), "certificate")).map(v -> Reply.noContent()));
  }

  private static EnrollmentService.CertificateUpload upload(ObjectNode o, String field) {
    Boolean verified = Fields.optionalBoolean(o, "verified");
    return new EnrollmentService.CertificateUpload(Fields.requiredString(o, field), verified != null && verified);
  }

  static ObjectNode certificate(SigningCertificate c) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("verified", c.verified());
    o.put("certificate", c.certificate());
    o.putObject("info").put("sha1Thumbprint", c.thumbprint());
    o.put("etag", c.etag());
    return o;
  }

  private static EnrollmentService.Definition definition(ObjectNode body, boolean full) {
    ObjectNode attestation = full ? Fields.requiredObject(body, "attestation") : Fields.optionalObject(body, "attestation");
    String primary = null;
    String secondary = null;
    Map<String, EnrollmentService.CertificateUpload> certificates = null;
    if (attestation != null) {
      String type = Fields.requiredString(attestation, "type");
      if (type.equals("x509")) {
        certificates = new TreeMap<>();
        ObjectNode signing = Fields.requiredObject(Fields.requiredObject(attestation, "x509"), "signingCertificates");
        for (String entry : List.of(SigningCertificate.PRIMARY, SigningCertificate.SECONDARY)) {
          ObjectNode c = Fields.optionalObject(signing, entry);
          if (c != null) {
            certificates.put(entry, upload(c, "certificate"));
          }
        }
      } else if (!type.equals("symmetricKey")) {
        throw new FlotillaException.Invalid("\"attestation.type\" must be \"symmetricKey\" or \"x509\".");
      }
      ObjectNode keys = Fields.optionalObject(attestation, "symmetricKey");
      if (keys != null) {
        primary = Fields.optionalString(keys, "primaryKey");
        secondary = Fields.optionalString(keys, "secondaryKey");
      }
    }
    return new EnrollmentService.Definition(
        full ? Fields.requiredString(body, "displayName") : Fields.optionalString(body, "displayName"),
        Fields.optionalBoolean(body, "enabled"),
        full ? Fields.requiredString(body, "type") : Fields.optionalString(body, "type"),
        primary, secondary, Fields.optionalString(body, "etag"), certificates);
  }

  static ObjectNode dto(EnrollmentGroup g) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", g.id());
    o.put("displayName", g.displayName());
    o.put("enabled", g.enabled());
    o.put("type", g.type());
    if (g.x509()) {
      ObjectNode signing = o.putObject("attestation").put("type", "x509").putObject("x509")
          .putObject("signingCertificates");
      g.certificates().forEach((entry, c) -> signing.set(entry, certificate(c)));
    } else {
      o.putObject("attestation").put("type", "symmetricKey").putObject("symmetricKey")
          .put("primaryKey", g.primaryKey()).put("secondaryKey", g.secondaryKey());
    }
    o.put("etag", g.etag());
    return o;
  }
}
