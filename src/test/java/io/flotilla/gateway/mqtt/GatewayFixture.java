package io.flotilla.gateway.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.app.GatewayWiring;
import io.flotilla.domain.device.DeviceService;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import io.vertx.core.Future;
import java.nio.file.Path;

/** Test helpers around a running server: devices, templates and blocking waits. */
final class GatewayFixture {
  static final String TEMPLATE_ID = "dtmi:flotilla:test:thermostat;1";

  private GatewayFixture() {
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static GatewayWiring gateway(TestServer server) {
    return server.server().wiring().gateway();
  }

  static Path caCert(TestServer server) {
    return server.dataDir().resolve("certs").resolve(ServerCertificate.CERTIFICATE_FILE);
  }

  /** Creates (or replaces) a device and answers its primary key. */
  static String device(TestServer server, String id, String templateId) {
    DeviceService devices = server.server().wiring().services().devices();
    await(devices.put(id, new DeviceService.Definition(null, templateId, true, false, null, null)));
    return await(devices.attestation(id)).primaryKey();
  }

  static void block(TestServer server, String id, boolean blocked) {
    await(server.server().wiring().services().devices().patch(id,
        new DeviceService.Definition(null, null, !blocked, null, null, null)));
  }

  /** A thermostat template: telemetry temperature, writable targetTemperature, command reboot, component thermostat1. */
  static void template(TestServer server) {
    ObjectNode body = (ObjectNode) ApiClient.JSON.valueToTree(java.util.Map.of());
    try {
      body = (ObjectNode) ApiClient.JSON.readTree("""
          {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "Thermostat",
           "capabilityModel": {"@id": "dtmi:flotilla:test:thermostat_cm;1", "@type": "Interface", "contents": [
             {"@type": "Telemetry", "name": "temperature", "schema": "double"},
             {"@type": "Property", "name": "targetTemperature", "schema": "double", "writable": true},
             {"@type": "Command", "name": "reboot", "request": {"name": "delay", "schema": "integer"}},
             {"@type": "Component", "name": "thermostat1", "schema": {"@id": "dtmi:flotilla:test:tc;1",
               "@type": "Interface", "contents": [
                 {"@type": "Telemetry", "name": "temperature", "schema": "double"},
                 {"@type": "Command", "name": "getMaxMinReport"}]}}]}}
          """);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    await(server.server().wiring().services().templates().put(TEMPLATE_ID, body));
  }
}
