package io.flotilla.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.template.CapabilityModel;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeviceBehaviourTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String MODEL = """
      {"@id": "dtmi:test:Sim;1", "@type": "Interface", "contents": [
        {"@type": "Telemetry", "name": "temperature", "schema": "double"},
        {"@type": "Telemetry", "name": "location", "schema": "geopoint"},
        {"@type": "Property", "name": "TargetTemperature", "schema": "double", "writable": true},
        {"@type": "Property", "name": "serialNumber", "schema": "string"},
        {"@type": ["Property", "Cloud"], "name": "CustomerName", "schema": "string"},
        {"@type": "Command", "name": "reboot",
         "request": {"@type": "CommandPayload", "name": "delay", "schema": "integer"},
         "response": {"@type": "CommandPayload", "name": "result", "schema": {"@type": "Object", "fields": [
           {"name": "status", "schema": {"@type": "Enum", "valueSchema": "string", "enumValues": [
             {"name": "ok", "enumValue": "ok"}, {"name": "late", "enumValue": "late"}]}},
           {"name": "uptime", "schema": "duration"}]}}},
        {"@type": "Command", "name": "ping"},
        {"@type": "Component", "name": "settings", "schema": {"@id": "dtmi:test:Settings;1", "@type": "Interface",
          "contents": [
            {"@type": "Property", "name": "fanSpeed", "schema": "double", "writable": true},
            {"@type": "Property", "name": "firmware", "schema": "string"},
            {"@type": "Telemetry", "name": "voltage", "schema": "double"},
            {"@type": "Command", "name": "calibrate", "response": {"name": "ok", "schema": "boolean"}}]}}]}
      """;

  private final CapabilityModel model = parse(MODEL);
  private final DeviceBehaviour device = new DeviceBehaviour(model, new SimulatedValues(new SplittableRandom(5),
      Clock.systemUTC()));

  static CapabilityModel parse(String json) {
    try {
      return CapabilityModel.parse(JSON.readTree(json));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void telemetryCoversRootAndComponentsAndFitsTheSchemas() {
    List<DeviceBehaviour.Message> messages = device.telemetry();
    assertThat(messages).extracting(DeviceBehaviour.Message::component).containsExactly(null, "settings");
    ObjectNode root = messages.get(0).body();
    assertThat(root.fieldNames()).toIterable().containsExactlyInAnyOrder("temperature", "location");
    model.telemetry(null, "temperature").orElseThrow().schema().check(root.get("temperature"), "temperature");
    model.telemetry(null, "location").orElseThrow().schema().check(root.get("location"), "location");
    ObjectNode settings = messages.get(1).body();
    assertThat(settings.fieldNames()).toIterable().containsExactly("voltage");
    assertThat(settings.get("voltage").asDouble()).isBetween(11.0, 14.0);
  }

  @Test
  void afterAnEmptyTwinItReportsReadOnlyPropertiesOnceWithTheComponentMarker() throws Exception {
    ObjectNode patch = device.afterTwin(JSON.readTree("{\"desired\":{\"$version\":1},\"reported\":{\"$version\":1}}"));
    assertThat(patch.path("serialNumber").isTextual()).isTrue();
    assertThat(patch.path("settings").path("__t").asText()).isEqualTo("c");
    assertThat(patch.path("settings").path("firmware").isTextual()).isTrue();
    assertThat(patch.has("CustomerName")).as("cloud properties are not the device's").isFalse();
    assertThat(patch.has("TargetTemperature")).isFalse();

    JsonNode twin = JSON.readTree("{\"desired\":{\"$version\":1},\"reported\":" + patch + "}");
    assertThat(device.afterTwin(twin)).as("already reported: nothing to say").isEmpty();
  }

  @Test
  void afterTheTwinItAcknowledgesDesiredValuesNotYetAcknowledged() throws Exception {
    JsonNode twin = JSON.readTree("""
        {"desired": {"TargetTemperature": -4.5, "settings": {"__t": "c", "fanSpeed": 3}, "$version": 9},
         "reported": {"serialNumber": "x", "settings": {"__t": "c", "firmware": "1.0",
           "fanSpeed": {"value": 3, "ac": 200, "av": 9}},
           "TargetTemperature": {"value": 2.0, "ac": 200, "av": 7}, "$version": 4}}
        """);
    ObjectNode patch = device.afterTwin(twin);
    assertThat(patch.toString()).isEqualTo(JSON.readTree(
        "{\"TargetTemperature\":{\"value\":-4.5,\"ac\":200,\"av\":9,\"ad\":\"completed\"}}").toString());
  }

  @Test
  void desiredPatchesAreAcknowledgedAtTheirVersionWithTheAppliedValue() throws Exception {
    ObjectNode acks = device.acknowledge(JSON.readTree(
        "{\"TargetTemperature\":21.5,\"settings\":{\"__t\":\"c\",\"fanSpeed\":2},\"unknown\":1,\"$version\":12}"), 12);
    assertThat(acks.toString()).isEqualTo(JSON.readTree("""
        {"TargetTemperature": {"value": 21.5, "ac": 200, "av": 12, "ad": "completed"},
         "settings": {"__t": "c", "fanSpeed": {"value": 2, "ac": 200, "av": 12, "ad": "completed"}}}
        """).toString());
  }

  @Test
  void commandsAnswer200WithAResponseThatFitsOrNoPayload() {
    for (int i = 0; i < 50; i++) {
      DeviceBehaviour.Answer reboot = device.command("reboot");
      assertThat(reboot.status()).isEqualTo(200);
      model.command(null, "reboot").orElseThrow().response().orElseThrow().schema().check(reboot.body(), "response");
      assertThat(reboot.body().has("status")).isTrue();
    }
    assertThat(device.command("ping")).isEqualTo(new DeviceBehaviour.Answer(200, null));
    assertThat(device.command("settings*calibrate").body().isBoolean()).isTrue();
    assertThat(device.command("selfDestruct").status()).isEqualTo(404);
  }

  @Test
  void aDeviceWithoutTemplateIsQuiet() {
    DeviceBehaviour bare = new DeviceBehaviour(null, new SimulatedValues(new SplittableRandom(1), Clock.systemUTC()));
    assertThat(bare.telemetry()).isEmpty();
    assertThat(bare.command("reboot").status()).isEqualTo(404);
  }
}
