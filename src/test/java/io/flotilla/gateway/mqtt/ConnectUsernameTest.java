package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.gateway.mqtt.ConnectUsername.DpsUsername;
import io.flotilla.gateway.mqtt.ConnectUsername.HubUsername;
import io.flotilla.gateway.mqtt.ConnectUsername.ModuleUsername;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ConnectUsernameTest {

  static final String JAVA_HUB = "127.0.0.1/dev1/?api-version=2020-09-30&model-id=dtmi%3Acom%3Aexample%3ATemperatureController%3B2"
      + "&DeviceClientType=com.microsoft.azure.sdk.iot.iot-device-client%2F2.5.0%20%2817.0.15%3B%20Linux%3B%20amd64%29";
  static final String NODE_HUB = "127.0.0.1:18883/dev1/?api-version=2021-04-12&model-id=dtmi:com:example:Thermostat;1"
      + "&DeviceClientType=azure-iot-device%2F1.18.4%20(node%20v20.20.2%3B%20Debian%2012%3B%20x64)";
  static final String C_HUB = "hub.example.net/dev1/?api-version=2020-09-30&DeviceClientType=iothubclient%2F1.9.0"
      + "&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1";
  static final String JAVA_DPS = "0ne00000000/registrations/dev1/api-version=2019-03-31&ClientVersion=2019-03-31";
  static final String NODE_DPS =
      "0ne00000000/registrations/dev1/api-version=2019-03-31&ClientVersion=azure-iot-provisioning-device%2F1.9.1";

  @Test
  void readsTheJavaSdkHubUsername() {
    HubUsername username = (HubUsername) ConnectUsername.parse(JAVA_HUB);

    assertThat(username.host()).isEqualTo("127.0.0.1");
    assertThat(username.deviceId()).isEqualTo("dev1");
    assertThat(username.clientId()).isEqualTo("dev1");
    assertThat(username.modelId()).contains("dtmi:com:example:TemperatureController;2");
    assertThat(username.apiVersion()).contains("2020-09-30");
    assertThat(username.params().get("DeviceClientType"))
        .isEqualTo("com.microsoft.azure.sdk.iot.iot-device-client/2.5.0 (17.0.15; Linux; amd64)");
  }

  @Test
  void readsTheNodeSdkHubUsernameWithPortAndRawModelId() {
    HubUsername username = (HubUsername) ConnectUsername.parse(NODE_HUB);

    assertThat(username.host()).isEqualTo("127.0.0.1:18883");
    assertThat(username.deviceId()).isEqualTo("dev1");
    assertThat(username.modelId()).contains("dtmi:com:example:Thermostat;1");
    assertThat(username.apiVersion()).contains("2021-04-12");
    assertThat(username.params().get("DeviceClientType"))
        .isEqualTo("azure-iot-device/1.18.4 (node v20.20.2; Debian 12; x64)");
  }

  @Test
  void readsParametersInAnyOrder() {
    HubUsername username = (HubUsername) ConnectUsername.parse(C_HUB);

    assertThat(username.modelId()).contains("dtmi:com:example:Thermostat;1");
    assertThat(username.params()).containsEntry("DeviceClientType", "iothubclient/1.9.0");
  }

  @Test
  void hasNoModelIdWhenNoneIsAnnounced() {
    HubUsername username = (HubUsername) ConnectUsername.parse("h.example/dev1/?api-version=2021-04-12&model-id=");

    assertThat(username.modelId()).isEmpty();
    assertThat(((HubUsername) ConnectUsername.parse("h.example/dev1/?api-version=1")).modelId()).isEmpty();
  }

  @Test
  void readsTheJavaAndNodeDpsUsernames() {
    DpsUsername java = (DpsUsername) ConnectUsername.parse(JAVA_DPS);
    DpsUsername node = (DpsUsername) ConnectUsername.parse(NODE_DPS);

    assertThat(java.idScope()).isEqualTo("0ne00000000");
    assertThat(java.registrationId()).isEqualTo("dev1");
    assertThat(java.clientId()).isEqualTo("dev1");
    assertThat(java.params()).containsEntry("api-version", "2019-03-31").containsEntry("ClientVersion", "2019-03-31");
    assertThat(node.params()).containsEntry("ClientVersion", "azure-iot-provisioning-device/1.9.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "dev1", "127.0.0.1/dev1", "127.0.0.1/dev1/api-version=1", "/dev1/?api-version=1", "127.0.0.1//?api-version=1",
      "127.0.0.1/dev1/mod1/x/?api-version=1", "0ne00000000/registrations//api-version=1",
      "0ne00000000/registrations/dev1", "/registrations/dev1/api-version=1", "0ne00000000/enrollments/dev1/x=1"})
  void rejectsOtherShapes(String username) {
    assertThatThrownBy(() -> ConnectUsername.parse(username)).isInstanceOf(MalformedCredentials.class);
  }

  @Test
  void rejectsAMissingUsername() {
    assertThatThrownBy(() -> ConnectUsername.parse(null)).isInstanceOf(MalformedCredentials.class);
  }

  @Test
  void aHubTokenMustNameThisHostAndDevice() {
    HubUsername username = new HubUsername("127.0.0.1", "dev1", java.util.Map.of());

    assertThat(username.namedBy(token("127.0.0.1/devices/dev1"))).isTrue();
    assertThat(username.namedBy(token("127.0.0.1:8883/devices/dev1"))).isTrue();
    assertThat(username.namedBy(token("127.0.0.1%3A18883%2Fdevices%2Fdev1"))).isTrue();
    assertThat(username.namedBy(token("127.0.0.1/devices/dev2"))).isFalse();
    assertThat(username.namedBy(token("127.0.0.2/devices/dev1"))).isFalse();
    assertThat(username.namedBy(token("127.0.0.1/devices/dev1/modules/m1"))).isFalse();
    assertThat(username.namedBy(token("127.0.0.1/twins/dev1"))).isFalse();
    assertThat(username.namedBy(token("127.0.0.1"))).isFalse();
  }

  @Test
  void comparesHostsIgnoringCaseAndPortOnEitherSide() {
    HubUsername withPort = new HubUsername("Hub.Example.NET:18883", "dev1", java.util.Map.of());

    assertThat(withPort.namedBy(token("hub.example.net/devices/dev1"))).isTrue();
    assertThat(withPort.namedBy(token("HUB.example.net%3A443%2Fdevices%2Fdev1"))).isTrue();
    assertThat(withPort.namedBy(token("hub.example.org/devices/dev1"))).isFalse();
  }

  @Test
  void acceptsDeviceIdsEncodedPerSegmentOrTwice() {
    HubUsername username = new HubUsername("h.example", "dev:1", java.util.Map.of());

    assertThat(username.namedBy(token("h.example/devices/dev%3A1"))).isTrue();
    assertThat(username.namedBy(token("h.example%2Fdevices%2Fdev%3A1"))).isTrue();
    assertThat(username.namedBy(token("h.example%2Fdevices%2Fdev%253A1"))).isTrue();
    assertThat(username.namedBy(token("h.example/devices/dev%3A2"))).isFalse();
  }

  @Test
  void aDpsTokenMustNameThisScopeAndRegistration() {
    DpsUsername username = new DpsUsername("0ne00000000", "dev1", java.util.Map.of());

    assertThat(username.namedBy(token("0ne00000000/registrations/dev1"))).isTrue();
    assertThat(username.namedBy(token("0NE00000000%2Fregistrations%2Fdev1"))).isTrue();
    assertThat(username.namedBy(token("0ne00000000/registrations/dev2"))).isFalse();
    assertThat(username.namedBy(token("0ne00000001/registrations/dev1"))).isFalse();
    assertThat(username.namedBy(token("0ne00000000/devices/dev1"))).isFalse();
  }

  @Test
  void readsTheJavaSdkModuleUsernameAndItsClientId() {
    ModuleUsername username = (ModuleUsername) ConnectUsername.parse(
        "127.0.0.1/dev1/filter/?api-version=2020-09-30&DeviceClientType=com.microsoft.azure.sdk.iot.iot-device-client");

    assertThat(username.host()).isEqualTo("127.0.0.1");
    assertThat(username.deviceId()).isEqualTo("dev1");
    assertThat(username.moduleId()).isEqualTo("filter");
    assertThat(username.clientId()).isEqualTo("dev1/filter");
    assertThat(username.params()).containsEntry("api-version", "2020-09-30");
    assertThatThrownBy(() -> ConnectUsername.parse("h/dev1//?api-version=1")).isInstanceOf(MalformedCredentials.class);
    assertThatThrownBy(() -> ConnectUsername.parse("h/dev1/m/x/?api-version=1"))
        .isInstanceOf(MalformedCredentials.class);
  }

  @Test
  void aModuleTokenMustNameThisHostDeviceAndModule() {
    ModuleUsername username = new ModuleUsername("127.0.0.1", "dev1", "m1", java.util.Map.of());

    assertThat(username.namedBy(token("127.0.0.1/devices/dev1/modules/m1"))).isTrue();
    assertThat(username.namedBy(token("127.0.0.1%2Fdevices%2Fdev1%2Fmodules%2Fm1"))).isTrue();
    assertThat(username.namedBy(token("127.0.0.1/devices/dev1"))).as("the device's token").isFalse();
    assertThat(username.namedBy(token("127.0.0.1/devices/dev1/modules/m2"))).as("another module's").isFalse();
    assertThat(username.namedBy(token("127.0.0.1/devices/dev2/modules/m1"))).isFalse();
    assertThat(username.namedBy(token("127.0.0.2/devices/dev1/modules/m1"))).isFalse();
    assertThat(username.namedBy(token("127.0.0.1/devices/dev1/things/m1"))).isFalse();
  }

  private static SasToken token(String sr) {
    return SasToken.parse("SharedAccessSignature sr=" + sr + "&sig=x&se=1");
  }
}
