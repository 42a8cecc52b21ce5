package io.flotilla.domain.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Capability model documents for tests. */
final class CapabilityModels {

  static final ObjectMapper JSON = new ObjectMapper();

  private CapabilityModels() {}

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** An IoT Central style refrigerated truck: telemetry, writable and cloud properties, a command, a component. */
  static ObjectNode aRefrigeratedTruck() {
    return (ObjectNode) json("""
        {
          "@id": "dtmi:contoso:RefrigeratedTruck;1",
          "@type": "Interface",
          "displayName": {"en": "Refrigerated truck"},
          "contents": [
            {"@type": ["Telemetry", "Temperature"], "name": "temperature", "schema": "double", "unit": "degreeCelsius"},
            {"@type": ["Telemetry", "Temperature"], "name": "cargoTemperature", "schema": "double"},
            {"@type": "Telemetry", "name": "location", "schema": "geopoint"},
            {"@type": ["Telemetry", "Event", "EventValue"], "name": "doorOpened", "schema": "boolean", "severity": "warning"},
            {"@type": ["Property", "Temperature", "NumberValue"], "name": "TargetTemperature", "schema": "double",
             "writable": true},
            {"@type": ["Property", "Cloud", "StringValue"], "name": "CustomerName", "displayName": "Customer Name",
             "schema": "string"},
            {"@type": "Property", "name": "serialNumber", "schema": "string"},
            {"@type": "Command", "name": "reboot", "commandType": "synchronous",
             "request": {"@type": "CommandPayload", "name": "delay", "schema": "integer"}},
            {"@type": "Command", "name": "getMaxMinReport",
             "request": {"name": "since", "schema": "dateTime"},
             "response": {"name": "tempReport", "schema": {"@type": "Object", "fields": [
               {"name": "maxTemp", "schema": "double"}, {"name": "minTemp", "schema": "double"}]}}},
            {"@type": "Relationship", "name": "trailer"},
            {"@id": "dtmi:contoso:RefrigeratedTruck:settings;1", "@type": "Component", "name": "settings",
             "displayName": "Settings",
             "schema": {
               "@id": "dtmi:contoso:TruckSettings;1", "@type": "Interface",
               "contents": [
                 {"@type": "Property", "name": "fanSpeed", "schema": "double", "writable": true},
                 {"@type": "Telemetry", "name": "voltage", "schema": "double"}
               ]
             }}
          ]
        }
        """);
  }

  /** A thermostat with Object, Enum, Map and Array schemas and an inherited interface. */
  static ObjectNode aThermostat() {
    return (ObjectNode) json("""
        {
          "@id": "dtmi:modelDefinition:bhmvjf0oj:k6ulbcbyndp",
          "@type": ["Interface", "NamedInterface"],
          "extends": {
            "@id": "dtmi:contoso:DeviceInformation;1", "@type": "Interface",
            "contents": [{"@type": "Property", "name": "manufacturer", "schema": "string"}]
          },
          "contents": [
            {"@type": "Property", "name": "mode", "writable": true, "schema": {
              "@type": "Enum", "valueSchema": "string", "enumValues": [
                {"name": "heat", "enumValue": "heat"}, {"name": "cool", "enumValue": "cool"}]}},
            {"@type": "Property", "name": "fanLevel", "writable": true, "schema": {
              "@type": "Enum", "valueSchema": "integer", "enumValues": [
                {"name": "low", "enumValue": 1}, {"name": "high", "enumValue": 2}]}},
            {"@type": "Property", "name": "schedule", "writable": true, "schema": {
              "@type": "Object", "fields": [
                {"name": "start", "schema": "time"},
                {"name": "days", "schema": {"@type": "Array", "elementSchema": "date"}},
                {"name": "window", "schema": {"@type": "Object", "fields": [{"name": "length", "schema": "duration"}]}}
              ]}},
            {"@type": "Property", "name": "zoneTargets", "writable": true, "schema": {
              "@type": "Map",
              "mapKey": {"name": "zone", "schema": "string"},
              "mapValue": {"name": "target", "schema": "double"}}},
            {"@type": "Telemetry", "name": "history", "schema": "dtmi:contoso:Reading;1"}
          ],
          "schemas": [
            {"@id": "dtmi:contoso:Reading;1", "@type": "Object", "fields": [
              {"name": "at", "schema": "dateTime"}, {"name": "value", "schema": "float"}]}
          ]
        }
        """);
  }

  /** A minimal interface whose contents are exactly {@code contents}. */
  static ObjectNode anInterfaceWith(String... contents) {
    return (ObjectNode) json("""
        {"@id": "dtmi:test:Minimal;1", "@type": "Interface", "contents": [%s]}
        """.formatted(String.join(",", contents)));
  }

  static ArrayNode contents(ObjectNode model) {
    return (ArrayNode) model.get("contents");
  }
}
