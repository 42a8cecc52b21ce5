package io.flotilla.api;

import static io.flotilla.testing.ApiAssertions.assertBadRequest;
import static io.flotilla.testing.ApiAssertions.assertError;
import static io.flotilla.testing.ApiAssertions.assertOk;
import static io.flotilla.testing.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.testing.ApiClient;
import io.flotilla.testing.Devices;
import io.flotilla.testing.Templates;
import io.flotilla.testing.ServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/devices/{id}/properties} and {@code /api/devices/{id}/components/{c}/properties}. */
class DevicePropertiesApiTest extends ServerTest {
  private static String truck;

  @BeforeAll
  static void start() {
    truck = Templates.publishTruck(api, "Truck");
  }

  private static String props(String device) {
    return "/api/devices/" + device + "/properties";
  }

  private static String settings(String device) {
    return "/api/devices/" + device + "/components/settings/properties";
  }

  @Test
  void aNewDeviceHasNoProperties() {
    String d = Devices.createTruck(api, "empty", truck);
    assertThat(assertOk(api.get(props(d))).size()).isZero();
    assertThat(assertOk(api.get(settings(d))).size()).isZero();
  }

  @Test
  void patchOfAWritablePropertyEchoesTheDesiredValueAndVersion() {
    String d = Devices.createTruck(api, "desired", truck);

    JsonNode echo = assertStatus(api.patch(props(d), "{\"TargetTemperature\":21.5}"), 202);
    JsonNode meta = echo.path("$metadata").path("TargetTemperature");
    assertThat(meta.path("desiredValue").asDouble()).isEqualTo(21.5);
    long v1 = meta.path("desiredVersion").asLong();
    assertThat(v1).isPositive();

    JsonNode got = assertOk(api.get(props(d)));
    assertThat(got.has("TargetTemperature")).as("not reported yet, only in $metadata").isFalse();
    assertThat(got.path("$metadata").path("TargetTemperature").path("desiredValue").asDouble()).isEqualTo(21.5);
    assertThat(got.path("$metadata").path("TargetTemperature").path("desiredVersion").asLong()).isEqualTo(v1);

    JsonNode second = assertStatus(api.patch(props(d), "{\"TargetTemperature\":-4}"), 202);
    assertThat(second.path("$metadata").path("TargetTemperature").path("desiredVersion").asLong()).isEqualTo(v1 + 1);
    JsonNode after = assertOk(api.get(props(d))).path("$metadata").path("TargetTemperature");
    assertThat(after.path("desiredValue").asDouble()).isEqualTo(-4);
    assertThat(after.path("desiredVersion").asLong()).isEqualTo(v1 + 1);

    assertStatus(api.patch(props(d), "{\"CustomerName\":\"no desired change\"}"), 202);
    JsonNode third = assertStatus(api.patch(settings(d), "{\"fanSpeed\":1}"), 202);
    assertThat(third.path("$metadata").path("fanSpeed").path("desiredVersion").asLong())
        .as("one desired version per device twin, cloud writes do not count").isEqualTo(v1 + 2);
  }

  @Test
  void cloudPropertiesAreStoredAndReturnedWithoutADesiredVersion() {
    String d = Devices.createTruck(api, "cloud", truck);

    JsonNode echo = assertStatus(api.patch(props(d), "{\"CustomerName\":\"Contoso\"}"), 202);
    assertThat(echo.path("CustomerName").asText()).isEqualTo("Contoso");

    JsonNode got = assertOk(api.get(props(d)));
    assertThat(got.path("CustomerName").asText()).isEqualTo("Contoso");
    assertThat(got.path("$metadata").path("CustomerName").has("desiredVersion")).isFalse();

    JsonNode desired = assertStatus(api.patch(props(d), "{\"TargetTemperature\":3}"), 202);
    JsonNode both = assertOk(api.get(props(d)));
    assertThat(both.path("CustomerName").asText()).isEqualTo("Contoso");
    assertThat(both.path("$metadata").path("TargetTemperature").path("desiredValue").asDouble()).isEqualTo(3);
    assertThat(desired.has("CustomerName")).as("echo holds only what was written").isFalse();
  }

  @Test
  void componentPropertiesThroughTheComponentUrl() {
    String d = Devices.createTruck(api, "comp", truck);

    JsonNode echo = assertStatus(api.patch(settings(d), "{\"fanSpeed\":30}"), 202);
    assertThat(echo.path("$metadata").path("fanSpeed").path("desiredValue").asDouble()).isEqualTo(30);
    assertThat(echo.path("$metadata").path("fanSpeed").path("desiredVersion").asLong()).isPositive();
    assertThat(echo.has("settings")).as("component URLs take the un-nested form").isFalse();

    JsonNode component = assertOk(api.get(settings(d)));
    assertThat(component.path("$metadata").path("fanSpeed").path("desiredValue").asDouble()).isEqualTo(30);
    JsonNode device = assertOk(api.get(props(d)));
    assertThat(device.path("settings").path("$metadata").path("fanSpeed").path("desiredValue").asDouble())
        .isEqualTo(30);
    assertThat(device.path("$metadata").has("fanSpeed")).isFalse();
  }

  @Test
  void componentPropertiesNestedInTheRootUrl() {
    String d = Devices.createTruck(api, "nested", truck);

    JsonNode echo = assertStatus(api.patch(props(d), "{\"settings\":{\"fanSpeed\":12.5},\"TargetTemperature\":4}"),
        202);
    assertThat(echo.path("settings").path("$metadata").path("fanSpeed").path("desiredValue").asDouble())
        .isEqualTo(12.5);
    assertThat(echo.path("$metadata").path("TargetTemperature").path("desiredValue").asDouble()).isEqualTo(4);
    assertThat(echo.path("$metadata").path("TargetTemperature").path("desiredVersion").asLong())
        .as("one version for the whole request")
        .isEqualTo(echo.path("settings").path("$metadata").path("fanSpeed").path("desiredVersion").asLong());

    assertThat(assertOk(api.get(settings(d))).path("$metadata").path("fanSpeed").path("desiredValue").asDouble())
        .isEqualTo(12.5);
  }

  @Test
  void putReplacesAllWritableAndCloudPropertiesOfTheScope() {
    String d = Devices.createTruck(api, "replace", truck);
    long v = assertStatus(api.patch(props(d), "{\"CustomerName\":\"Contoso\",\"TargetTemperature\":1}"), 202)
        .path("$metadata").path("TargetTemperature").path("desiredVersion").asLong();

    JsonNode echo = assertStatus(api.put(props(d), "{\"TargetTemperature\":7}"), 202);
    assertThat(echo.path("$metadata").path("TargetTemperature").path("desiredVersion").asLong()).isEqualTo(v + 1);

    JsonNode got = assertOk(api.get(props(d)));
    assertThat(got.has("CustomerName")).isFalse();
    assertThat(got.path("$metadata").path("TargetTemperature").path("desiredValue").asDouble()).isEqualTo(7);

    assertStatus(api.put(settings(d), "{\"fanSpeed\":2}"), 202);
    assertThat(assertOk(api.get(settings(d))).path("$metadata").path("fanSpeed").path("desiredValue").asDouble())
        .isEqualTo(2);
    assertThat(assertOk(api.get(props(d))).path("$metadata").path("TargetTemperature").path("desiredValue")
        .asDouble()).as("component PUT leaves the root alone").isEqualTo(7);
  }

  @Test
  void invalidWritesAre400AndChangeNothing() {
    String d = Devices.createTruck(api, "invalid", truck);
    assertStatus(api.patch(props(d), "{\"TargetTemperature\":10,\"CustomerName\":\"Keep\"}"), 202);
    assertStatus(api.patch(settings(d), "{\"fanSpeed\":10}"), 202);
    JsonNode before = assertOk(api.get(props(d)));

    assertThat(assertBadRequest(api.patch(props(d), "{\"Nope\":1}"))).contains("Nope");
    assertThat(assertBadRequest(api.patch(props(d), "{\"TargetTemperature\":\"warm\"}"))).contains("TargetTemperature");
    assertBadRequest(api.patch(props(d), "{\"TargetTemperature\":true}"));
    assertBadRequest(api.patch(props(d), "{\"CustomerName\":42}"));
    assertThat(assertBadRequest(api.patch(props(d), "{\"serialNumber\":\"SN-1\"}"))).contains("read-only");
    assertBadRequest(api.patch(props(d), "{\"temperature\":20}"));
    assertBadRequest(api.patch(props(d), "{\"reboot\":1}"));
    assertBadRequest(api.patch(props(d), "{\"TargetTemperature\":11,\"Nope\":1}"));
    assertBadRequest(api.patch(props(d), "{\"settings\":5}"));
    assertBadRequest(api.patch(props(d), "{\"settings\":{\"voltage\":3}}"));
    assertBadRequest(api.patch(props(d), "{}"));
    assertBadRequest(api.put(props(d), "{\"TargetTemperature\":\"x\"}"));
    assertBadRequest(api.patch(settings(d), "{\"fanSpeed\":\"fast\"}"));
    assertBadRequest(api.patch(settings(d), "{\"TargetTemperature\":1}"));
    assertBadRequest(api.put(settings(d), "{\"voltage\":1}"));
    assertBadRequest(api.patch(props(d), "[1,2]"));
    assertBadRequest(api.patch(props(d), "{\"TargetTemperature\":"));

    assertThat(assertOk(api.get(props(d)))).isEqualTo(before);
  }

  @Test
  void unknownDevicesAndComponentsAre404() {
    String ghost = Devices.newId("ghost");
    assertError(api.get(props(ghost)), 404, "NotFound");
    assertError(api.patch(props(ghost), "{\"TargetTemperature\":1}"), 404, "NotFound");
    assertError(api.put(settings(ghost), "{\"fanSpeed\":1}"), 404, "NotFound");

    String d = Devices.createTruck(api, "nocomp", truck);
    String other = "/api/devices/" + d + "/components/engine/properties";
    assertError(api.get(other), 404, "NotFound");
    assertError(api.patch(other, "{\"fanSpeed\":1}"), 404, "NotFound");
    assertThat(assertOk(api.get(props(d))).size()).isZero();
  }

  @Test
  void aDeviceWithoutTemplateHasNoWritableProperties() {
    String d = Devices.create(api, Devices.newId("bare"), "{}");
    assertThat(assertOk(api.get(props(d))).size()).isZero();
    assertBadRequest(api.patch(props(d), "{\"TargetTemperature\":1}"));
    assertThat(assertOk(api.get(props(d))).size()).isZero();
  }
}
