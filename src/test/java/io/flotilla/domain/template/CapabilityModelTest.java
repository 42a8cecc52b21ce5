package io.flotilla.domain.template;

import static io.flotilla.domain.template.CapabilityModels.aRefrigeratedTruck;
import static io.flotilla.domain.template.CapabilityModels.aThermostat;
import static io.flotilla.domain.template.CapabilityModels.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilityModelTest {

  private final CapabilityModel truck = CapabilityModel.parse(aRefrigeratedTruck());

  @Test
  void readsTheTrucksRootTelemetryInDocumentOrder() {
    assertThat(truck.id()).isEqualTo("dtmi:contoso:RefrigeratedTruck;1");
    assertThat(truck.telemetry()).extracting(Telemetry::name)
        .containsExactly("temperature", "cargoTemperature", "location", "doorOpened");
    assertThat(truck.telemetry(null, "temperature")).get()
        .extracting(Telemetry::schema).isEqualTo(PrimitiveSchema.DOUBLE);
    assertThat(truck.telemetry(null, "location")).get()
        .extracting(Telemetry::schema).isInstanceOf(GeopointSchema.class);
  }

  @Test
  void distinguishesWritableCloudAndReadOnlyProperties() {
    PropertyCapability target = truck.property(null, "TargetTemperature").orElseThrow();
    PropertyCapability customer = truck.property(null, "CustomerName").orElseThrow();
    PropertyCapability serial = truck.property(null, "serialNumber").orElseThrow();

    assertThat(target.writable()).isTrue();
    assertThat(target.cloud()).isFalse();
    assertThat(customer.cloud()).isTrue();
    assertThat(customer.writableFromApi()).isTrue();
    assertThat(serial.writableFromApi()).isFalse();
    assertThat(truck.properties()).extracting(PropertyCapability::name)
        .containsExactly("TargetTemperature", "CustomerName", "serialNumber");
  }

  @Test
  void readsCommandPayloads() {
    CommandCapability reboot = truck.command(null, "reboot").orElseThrow();
    assertThat(reboot.request()).get().isEqualTo(new CommandCapability.CommandPayload("delay", PrimitiveSchema.INTEGER));
    assertThat(reboot.response()).isEmpty();

    CommandCapability report = truck.command(null, "getMaxMinReport").orElseThrow();
    assertThat(report.response().orElseThrow().schema()).isInstanceOf(ObjectSchema.class);
    assertThat(((ObjectSchema) report.response().orElseThrow().schema()).fields())
        .extracting(ObjectSchema.Field::name).containsExactly("maxTemp", "minTemp");
  }

  @Test
  void readsComponentsAndIgnoresRelationships() {
    assertThat(truck.components()).extracting(ComponentCapability::name).containsExactly("settings");
    assertThat(truck.property("settings", "fanSpeed")).get().extracting(PropertyCapability::writable).isEqualTo(true);
    assertThat(truck.telemetry("settings", "voltage")).isPresent();
    assertThat(truck.component("settings").orElseThrow().schema().id()).isEqualTo("dtmi:contoso:TruckSettings;1");
    assertThat(truck.property(null, "fanSpeed")).isEmpty();
    assertThat(truck.property("nope", "fanSpeed")).isEmpty();
    assertThat(truck.resolvePath("trailer")).isEmpty();
    assertThat(truck.capabilityCount()).isEqualTo(4 + 3 + 2 + 2);
  }

  @Test
  void resolvesJobPaths() {
    assertThat(truck.resolvePath("TargetTemperature")).get().isInstanceOf(PropertyCapability.class);
    assertThat(truck.resolvePath("reboot")).get().isInstanceOf(CommandCapability.class);
    assertThat(truck.resolvePath("settings.fanSpeed")).get()
        .extracting(Capability::name).isEqualTo("fanSpeed");
    assertThat(truck.resolvePath("settings.TargetTemperature")).isEmpty();
    assertThat(truck.resolvePath("missing")).isEmpty();
  }

  @Test
  void readsObjectEnumMapAndArraySchemasAndMergesExtends() {
    CapabilityModel thermostat = CapabilityModel.parse(aThermostat());

    assertThat(thermostat.id()).isEqualTo("dtmi:modelDefinition:bhmvjf0oj:k6ulbcbyndp");
    assertThat(thermostat.properties()).extracting(PropertyCapability::name)
        .containsExactly("mode", "fanLevel", "schedule", "zoneTargets", "manufacturer");
    EnumSchema mode = (EnumSchema) thermostat.property(null, "mode").orElseThrow().schema();
    assertThat(mode.valueSchema()).isEqualTo(PrimitiveSchema.STRING);
    assertThat(mode.enumValues()).extracting(EnumSchema.EnumValue::name).containsExactly("heat", "cool");
    ObjectSchema schedule = (ObjectSchema) thermostat.property(null, "schedule").orElseThrow().schema();
    assertThat(schedule.field("days").orElseThrow().schema()).isEqualTo(new ArraySchema(PrimitiveSchema.DATE));
    assertThat(thermostat.property(null, "zoneTargets").orElseThrow().schema())
        .isEqualTo(new MapSchema("zone", "target", PrimitiveSchema.DOUBLE));
  }

  @Test
  void resolvesSchemaReferencesDefinedInTheDocument() {
    CapabilityModel thermostat = CapabilityModel.parse(aThermostat());

    ObjectSchema reading = (ObjectSchema) thermostat.telemetry(null, "history").orElseThrow().schema();
    assertThat(reading.fields()).containsExactly(
        new ObjectSchema.Field("at", PrimitiveSchema.DATE_TIME), new ObjectSchema.Field("value", PrimitiveSchema.FLOAT));
  }

  @Test
  void resolvesAComponentSchemaGivenAsTheIdOfAnInlineInterface() {
    ObjectNode model = (ObjectNode) json("""
        {"@type": "Interface",
         "contents": [
           {"@type": "Component", "name": "left", "schema": {"@id": "dtmi:test:Lamp;1", "@type": "Interface",
             "contents": [{"@type": "Property", "name": "on", "schema": "boolean", "writable": true}]}},
           {"@type": "Component", "name": "right", "schema": "dtmi:test:Lamp;1"}
         ]}
        """);

    CapabilityModel lamps = CapabilityModel.parse(model);

    assertThat(lamps.id()).isNull();
    assertThat(lamps.property("right", "on")).get().extracting(PropertyCapability::writable).isEqualTo(true);
    assertThat(lamps.components()).extracting(ComponentCapability::name).containsExactly("left", "right");
  }

  @Test
  void acceptsLegacyAndUrnIdsAndExtendsGivenAsAnArray() {
    ObjectNode model = (ObjectNode) json("""
        {"@id": "urn:1dgygpt7t:modelDefinition:02uwtefvdy", "@type": "Interface",
         "contents": [{"@type": "Telemetry", "name": "t", "schema": "long"}],
         "extends": [{"@id": "dtmi:modelDefinition:bhmvjf0oj:k6ulbcbyndq", "@type": ["Interface", "NamedInterface"],
           "name": "contoso_base", "contents": [{"@type": "Command", "name": "ping"}]}]}
        """);

    CapabilityModel parsed = CapabilityModel.parse(model);

    assertThat(parsed.id()).isEqualTo("urn:1dgygpt7t:modelDefinition:02uwtefvdy");
    assertThat(parsed.commands()).containsExactly(
        new CommandCapability("ping", java.util.Optional.empty(), java.util.Optional.empty()));
    assertThat(parsed.telemetry()).extracting(Telemetry::schema).isEqualTo(List.of(PrimitiveSchema.LONG));
  }

  @Test
  void acceptsExactlyTheCapabilityLimit() {
    String[] contents = new String[CapabilityModel.MAX_CAPABILITIES];
    for (int i = 0; i < contents.length; i++) {
      contents[i] = "{\"@type\": \"Telemetry\", \"name\": \"t" + i + "\", \"schema\": \"double\"}";
    }

    assertThat(CapabilityModel.parse(CapabilityModels.anInterfaceWith(contents)).capabilityCount()).isEqualTo(300);
  }
}
