package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.DeviceService;
import io.flotilla.domain.provisioning.CertificateChain;
import io.vertx.core.http.HttpMethod;
import java.util.Set;

/** {@code /devices/{deviceId}/attestation}. */
final class AttestationRoutes implements ResourceRoutes {
  private static final String PATH = DeviceRoutes.ONE + "/attestation";
  private static final Set<String> TYPES = Set.of("symmetricKey", "x509", "tpm");
  private final DeviceService devices;

  AttestationRoutes(DeviceService devices) {
    this.devices = devices;
  }

  @Override
  public void register(RouteTable t) {
    Permission p = Permission.OPERATE_DEVICES;
    t.add(HttpMethod.GET, PATH, p, "Devices_GetAttestation", 200, "Get the device's attestation",
        call -> devices.attestation(call.path("deviceId")).map(a -> {
          if (!TYPES.contains(a.type())) {
            throw new FlotillaException.NotFound("Device \"" + call.path("deviceId") + "\" has no attestation.");
          }
          return Reply.ok(dto(a));
        }));
    t.add(HttpMethod.PUT, PATH, p, "Devices_CreateAttestation", 200,
        "Set the device's attestation (symmetric keys are generated when not given)",
        call -> devices.putAttestation(call.path("deviceId"), parse(call.objectBody())).map(a -> Reply.ok(dto(a))));
    t.add(HttpMethod.PATCH, PATH, p, "Devices_UpdateAttestation", 200, "Update the device's attestation (merge patch)",
        call -> {
          ObjectNode patch = call.objectBody();
          return devices.patchAttestation(call.path("deviceId"), current -> parse(MergePatch.apply(dto(current), patch)))
              .map(a -> Reply.ok(dto(a)));
        });
    t.add(HttpMethod.DELETE, PATH, p, "Devices_RemoveAttestation", 204, "Remove the device's attestation",
        call -> devices.deleteAttestation(call.path("deviceId")).map(v -> Reply.noContent()));
  }

  static Attestation parse(ObjectNode body) {
    String type = Fields.requiredString(body, "type");
    if (!TYPES.contains(type)) {
      throw new FlotillaException.Invalid("\"type\" must be one of symmetricKey, x509, tpm, not \"" + type + "\".");
    }
    if (type.equals(Attestation.SYMMETRIC_KEY)) {
      ObjectNode keys = Fields.optionalObject(body, "symmetricKey");
      String primary = keys == null ? null : Fields.optionalString(keys, "primaryKey");
      String secondary = keys == null ? null : Fields.optionalString(keys, "secondaryKey");
      checkKey("primaryKey", primary);
      checkKey("secondaryKey", secondary);
      return Attestation.symmetricKey(primary, secondary);
    }
    // the size limit first, so an oversized document is refused as such whatever it holds
    io.flotilla.domain.common.Limits.document("The attestation", Fields.requiredObject(body, type),
        DeviceService.MAX_ATTESTATION);
    ObjectNode doc = Json.MAPPER.createObjectNode().put("type", type);
    doc.set(type, type.equals(Attestation.X509) ? x509(Fields.requiredObject(body, type)) : body.get(type));
    return new Attestation(type, null, null, doc);
  }

  /**
   * {@code clientCertificates} with {@code primary} (required) and {@code secondary}: each a {@code certificate}
   * (Base64 DER or PEM; its thumbprint is computed) or, for a certificate Flotilla need not see, just
   * {@code info.sha1Thumbprint} (40 hex digits).
   */
  private static ObjectNode x509(ObjectNode x509) {
    ObjectNode given = Fields.requiredObject(x509, "clientCertificates");
    ObjectNode out = Json.MAPPER.createObjectNode();
    ObjectNode certs = out.putObject("clientCertificates");
    for (String entry : java.util.List.of("primary", "secondary")) {
      ObjectNode c = entry.equals("primary") ? Fields.requiredObject(given, entry) : Fields.optionalObject(given, entry);
      if (c == null) {
        continue;
      }
      String field = "x509.clientCertificates." + entry;
      String text = Fields.optionalString(c, "certificate");
      ObjectNode one = certs.putObject(entry);
      if (text != null) {
        CertificateChain chain = CertificateChain.parse(text, field + ".certificate");
        one.put("certificate", chain.leafBase64()).putObject("info").put("sha1Thumbprint", chain.thumbprint());
      } else {
        ObjectNode info = Fields.optionalObject(c, "info");
        String thumbprint = CertificateChain.normalThumbprint(info == null ? null
            : Fields.optionalString(info, "sha1Thumbprint"));
        if (thumbprint == null) {
          throw new FlotillaException.Invalid("\"" + field + "\" needs a \"certificate\" or an "
              + "\"info.sha1Thumbprint\" of 40 hex digits.");
        }
        one.putObject("info").put("sha1Thumbprint", thumbprint);
      }
    }
    return out;
  }

  private static void checkKey(String name, String key) {
    if (key == null) {
      return;
    }
    try {
      byte[] raw = java.util.Base64.getDecoder().decode(key);
      if (raw.length >= 16 && raw.length <= 64) {
        return;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    throw new FlotillaException.Invalid("\"symmetricKey." + name + "\" must be a Base64 key of 16 to 64 bytes.");
  }

  static ObjectNode dto(Attestation a) {
    if (a.document() != null) {
      return a.document().deepCopy();
    }
    ObjectNode o = Json.MAPPER.createObjectNode().put("type", a.type());
    putKeys(o, a);
    return o;
  }

  static void putKeys(ObjectNode o, Attestation a) {
    if (a.isSymmetricKey()) {
      o.putObject("symmetricKey").put("primaryKey", a.primaryKey()).put("secondaryKey", a.secondaryKey());
    } else if (a.document() != null && a.document().has(a.type())) {
      o.set(a.type(), a.document().get(a.type()));
    }
  }
}
