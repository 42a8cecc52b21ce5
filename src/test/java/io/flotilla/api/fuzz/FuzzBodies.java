package io.flotilla.api.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.testing.Templates;
import io.flotilla.testing.Tokens;
import java.util.Map;
import java.util.Optional;

/**
 * A valid request body for every operation that takes one (by operationId), aimed at the fixture: the seed each
 * fuzzed body is mutated from. An operation of the route table that takes a body and has none here fails
 * {@code RestFuzzTest.everyWritingRouteHasASeedBody} until one is added.
 */
final class FuzzBodies {
  private FuzzBodies() {
  }

  static ObjectNode job() {
    return obj("""
        {"displayName": "Fuzz job", "description": "fuzz", "group": "%s",
         "data": [{"type": "command", "target": "%s", "path": "reboot", "value": 5}],
         "batch": {"type": "number", "value": 10},
         "cancellationThreshold": {"type": "percentage", "value": 50, "batch": false},
         "delivery": {"retry": {"maxAttempts": 2, "backoff": "PT10S", "factor": 2.0, "maxBackoff": "PT1M",
                                "on": ["DeviceNotOnline"]}},
         "rollout": {"maxPerMinute": 600}}
        """.formatted(FuzzFixture.GROUP, FuzzFixture.TEMPLATE));
  }

  static ObjectNode scheduledJob() {
    ObjectNode o = obj("""
        {"displayName": "Fuzz schedule", "description": "fuzz", "group": "%s",
         "data": [{"type": "cloudProperty", "target": "%s", "path": "CustomerName", "value": "Contoso"}],
         "schedule": {"start": "2099-01-01T00:00:00Z", "recurrence": "daily",
                      "end": {"type": "occurrences", "occurrences": 3}},
         "enabled": true}
        """.formatted(FuzzFixture.GROUP, FuzzFixture.TEMPLATE));
    return o;
  }

  private static final Map<String, String> SEEDS = Map.ofEntries(
      Map.entry("Devices_Create", """
          {"displayName": "Fuzz device", "template": "%s", "enabled": true, "simulated": false,
           "organizations": ["fuzz-org"]}""".formatted(FuzzFixture.TEMPLATE)),
      Map.entry("Devices_Update", """
          {"displayName": "Fuzz device 2", "enabled": true}"""),
      Map.entry("Devices_CreateAttestation", """
          {"type": "symmetricKey", "symmetricKey": {"primaryKey": "%s", "secondaryKey": "%s"}}"""
          .formatted(FuzzFixture.KEY_A, FuzzFixture.KEY_B)),
      Map.entry("Devices_UpdateAttestation", """
          {"symmetricKey": {"primaryKey": "%s"}}""".formatted(FuzzFixture.KEY_B)),
      Map.entry("Devices_ReplaceProperties", """
          {"TargetTemperature": 21.5, "CustomerName": "Contoso"}"""),
      Map.entry("Devices_UpdateProperties", """
          {"TargetTemperature": 19.0}"""),
      Map.entry("Devices_ReplaceComponentProperties", """
          {"fanSpeed": 3.5}"""),
      Map.entry("Devices_UpdateComponentProperties", """
          {"fanSpeed": 2}"""),
      Map.entry("Devices_RunCommand", """
          {"connectionTimeout": 0, "responseTimeout": 5, "request": 3}"""),
      Map.entry("Devices_RunComponentCommand", """
          {"connectionTimeout": 0, "responseTimeout": 5, "request": {"speed": 2}}"""),
      Map.entry("Devices_ReplaceModuleProperties", """
          {"threshold": 5, "mode": "fast"}"""),
      Map.entry("Devices_UpdateModuleProperties", """
          {"threshold": 7}"""),
      Map.entry("Devices_ReplaceModuleComponentProperties", """
          {"rate": 2.5}"""),
      Map.entry("Devices_UpdateModuleComponentProperties", """
          {"rate": 1}"""),
      Map.entry("Devices_RunModuleCommand", """
          {"connectionTimeout": 0, "responseTimeout": 5, "request": 3}"""),
      Map.entry("Devices_RunModuleComponentCommand", """
          {"connectionTimeout": 0, "responseTimeout": 5, "request": {"speed": 2}}"""),
      Map.entry("Devices_CreateRelationship", """
          {"source": "%s", "target": "%s"}""".formatted(FuzzFixture.DEVICE, FuzzFixture.BARE_DEVICE)),
      Map.entry("Devices_UpdateRelationship", """
          {"target": "%s"}""".formatted(FuzzFixture.BARE_DEVICE)),
      Map.entry("EnrollmentGroups_CreateX509", """
          {"certificate": "MIIBszCCAVmgAwIBAgIUZnV6ei1ub3QtYS1yZWFsLWNlcnQwCgYIKoZIzj0EAwIw", "verified": false}"""),
      Map.entry("EnrollmentGroups_GenerateVerificationCodeX509", "{}"),
      Map.entry("EnrollmentGroups_VerifyX509", """
          {"certificate": "MIIBszCCAVmgAwIBAgIUZnV6ei1ub3QtYS1yZWFsLWNlcnQwCgYIKoZIzj0EAwIw"}"""),
      Map.entry("DeviceGroups_Create", """
          {"displayName": "Fuzz group", "description": "fuzz", "filter": "SELECT * FROM devices WHERE $id = \\"fz-nobody\\"",
           "organizations": ["fuzz-org"]}"""),
      Map.entry("DeviceGroups_Update", """
          {"displayName": "Nobody 2", "filter": "SELECT * FROM devices WHERE $id = \\"fz-nobody\\" AND $enabled = true"}"""),
      Map.entry("DeviceTemplates_Create", Templates.aRefrigeratedTruck("Fuzz truck")),
      Map.entry("DeviceTemplates_Update", """
          {"displayName": "Fuzz truck 2"}"""),
      Map.entry("EnrollmentGroups_Create", """
          {"displayName": "Fuzz enrollment", "type": "iot", "enabled": true,
           "attestation": {"type": "symmetricKey", "symmetricKey": {"primaryKey": "%s", "secondaryKey": "%s"}}}"""
          .formatted(FuzzFixture.KEY_A, FuzzFixture.KEY_B)),
      Map.entry("EnrollmentGroups_Update", """
          {"displayName": "Fuzz enrollment 2", "enabled": false}"""),
      Map.entry("Jobs_Rerun", """
          {"delivery": {"retry": {"maxAttempts": 3, "backoff": "PT5S", "on": ["DeviceNotOnline"]}}}"""),
      Map.entry("Jobs_Stop", "{}"),
      Map.entry("Jobs_Resume", "{}"),
      Map.entry("ScheduledJobs_Update", """
          {"displayName": "Fuzz schedule 2", "enabled": false}"""),
      Map.entry("ApiTokens_Create", Tokens.body(Tokens.OPERATOR, null)),
      Map.entry("Organizations_Create", """
          {"displayName": "Fuzz organization", "parent": "fuzz-org"}"""),
      Map.entry("Organizations_Update", """
          {"displayName": "Fuzz organization 2"}"""),
      Map.entry("FileUploads_Create", """
          {"connectionString": "local", "container": "fuzz-files", "sasTtl": "PT1H"}"""),
      Map.entry("FileUploads_Update", """
          {"container": "fuzz-files-2"}"""),
      Map.entry("Users_Create", """
          {"type": "email", "email": "fuzz@contoso.com", "roles": [{"role": "%s", "organization": "fuzz-org"}]}"""
          .formatted(Tokens.OPERATOR)),
      Map.entry("Users_Update", """
          {"roles": [{"role": "%s"}]}""".formatted(Tokens.BUILDER)),
      Map.entry("Destinations_Create", """
          {"displayName": "Fuzz hook", "type": "webhook@v1", "url": "http://127.0.0.1:9/hook",
           "authorization": {"type": "none"}}"""),
      Map.entry("Destinations_Update", """
          {"displayName": "Fuzz hook 2"}"""),
      Map.entry("Exports_Create", """
          {"displayName": "Fuzz export", "enabled": false, "source": "telemetry", "destinations": []}"""),
      Map.entry("Exports_Update", """
          {"displayName": "Fuzz export 2"}"""),
      Map.entry("Query_Run", """
          {"query": "SELECT $id, $ts, temperature FROM dtmi:fuzz:none;1 WHERE WITHIN_WINDOW(P1D) AND $id = 'x'"}"""));

  /** The seed body of {@code operationId}, a fresh copy; empty when the operation takes none. */
  static Optional<ObjectNode> seed(String operationId) {
    return switch (operationId) {
      case "Jobs_Create" -> Optional.of(job());
      case "ScheduledJobs_Create" -> Optional.of(scheduledJob());
      default -> Optional.ofNullable(SEEDS.get(operationId)).map(FuzzBodies::obj);
    };
  }

  /** Any JSON value from its text. */
  static com.fasterxml.jackson.databind.JsonNode obj2(String json) {
    try {
      return FuzzFixture.JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  static ObjectNode obj(String json) {
    try {
      return (ObjectNode) FuzzFixture.JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }
}
