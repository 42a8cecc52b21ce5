package io.flotilla.testing;

import java.util.concurrent.atomic.AtomicInteger;

/** Device template request bodies for API tests. */
public final class Templates {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private Templates() {
  }

  /** A fresh, unused template id ({@code dtmi:flotilla:test:<name>N;1}). */
  public static String newId(String name) {
    return "dtmi:flotilla:test:" + name + SEQ.incrementAndGet() + ";1";
  }

  /** The template id as it goes into a URL path ({@code ;} percent-encoded). */
  public static String path(String templateId) {
    return "/api/deviceTemplates/" + templateId.replace(";", "%3B");
  }

  /**
   * An IoT Central style refrigerated truck: a writable double {@code TargetTemperature}, a cloud string
   * {@code CustomerName}, a read-only {@code serialNumber}, telemetry, a command and a {@code settings} component with
   * a writable double {@code fanSpeed}.
   */
  public static String aRefrigeratedTruck(String displayName) {
    return """
        {
          "@type": ["ModelDefinition", "DeviceModel"],
          "displayName": "%s",
          "capabilityModel": %s
        }
        """.formatted(displayName, truckModel());
  }

  /** The truck's capability model (a DTDL v2 Interface). */
  public static String truckModel() {
    return """
        {
          "@id": "dtmi:contoso:RefrigeratedTruck;1",
          "@type": "Interface",
          "displayName": "Refrigerated truck",
          "contents": [
            {"@type": ["Telemetry", "Temperature"], "name": "temperature", "schema": "double", "unit": "degreeCelsius"},
            {"@type": ["Property", "Temperature", "NumberValue"], "name": "TargetTemperature", "schema": "double",
             "writable": true},
            {"@type": ["Property", "Cloud", "StringValue"], "name": "CustomerName", "displayName": "Customer Name",
             "schema": "string"},
            {"@type": "Property", "name": "serialNumber", "schema": "string"},
            {"@type": "Command", "name": "reboot",
             "request": {"@type": "CommandPayload", "name": "delay", "schema": "integer"}},
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
        """;
  }

  /** A template whose capability model has exactly one telemetry {@code t} of {@code schema} (raw JSON). */
  public static String withTelemetrySchema(String schemaJson) {
    return """
        {"@type": ["ModelDefinition", "DeviceModel"], "displayName": "Minimal",
         "capabilityModel": {"@id": "dtmi:test:Minimal;1", "@type": "Interface", "contents": [
           {"@type": "Telemetry", "name": "ok", "schema": "double"},
           {"@type": "Telemetry", "name": "t", "schema": %s}]}}
        """.formatted(schemaJson);
  }

  /** Publishes a truck template under a fresh id and answers the id. */
  public static String publishTruck(ApiClient api, String displayName) {
    String id = newId("truck");
    ApiClient.Response r = api.put(path(id), aRefrigeratedTruck(displayName));
    if (r.status() != 200) {
      throw new AssertionError("Publishing template " + id + " failed: " + r);
    }
    return id;
  }
}
