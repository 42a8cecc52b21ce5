package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.MergePatch;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.DeviceService;
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
    Fields.requiredObject(body, type);
    ObjectNode doc = Json.MAPPER.createObjectNode().put("type", type);
    doc.set(type, body.get(type));
    return new Attestation(type, null, null, doc);
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
