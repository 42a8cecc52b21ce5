package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.gateway.mqtt.DeviceTopic.DpsPollStatus;
import io.flotilla.gateway.mqtt.DeviceTopic.DpsRegister;
import io.flotilla.gateway.mqtt.DeviceTopic.MethodResponse;
import io.flotilla.gateway.mqtt.DeviceTopic.TelemetryTopic;
import io.flotilla.gateway.mqtt.DeviceTopic.TwinGet;
import io.flotilla.gateway.mqtt.DeviceTopic.TwinReportedPatch;
import io.flotilla.gateway.mqtt.DeviceTopic.Unknown;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceTopicTest {

  @Test
  void readsJavaSdkTelemetry() {
    DeviceTopic topic = DeviceTopic.parse("devices/dev1/messages/events/$.mid=msg-1&$.cid=b4bb90ca&$.cdid=dev1"
        + "&$.ce=utf-8&$.ct=application%2Fjson&$.sub=thermostat1&app%20prop=v%201");

    assertThat(topic).isInstanceOf(TelemetryTopic.class);
    TelemetryTopic telemetry = (TelemetryTopic) topic;
    assertThat(telemetry.deviceId()).isEqualTo("dev1");
    assertThat(telemetry.properties().componentName()).contains("thermostat1");
    assertThat(telemetry.properties().contentType()).contains("application/json");
    assertThat(telemetry.properties().applicationProperties()).containsEntry("app prop", "v 1");
  }

  @Test
  void readsNodeSdkTelemetry() {
    TelemetryTopic telemetry = (TelemetryTopic) DeviceTopic.parse(
        "devices/dev1/messages/events/%24.ct=application%2Fjson&%24.ce=utf-8&%24.sub=thermostat1");

    assertThat(telemetry.deviceId()).isEqualTo("dev1");
    assertThat(telemetry.properties().componentName()).contains("thermostat1");
    assertThat(telemetry.properties().contentEncoding()).contains("utf-8");
  }

  @Test
  void readsTelemetryWithoutAPropertyBag() {
    assertThat(DeviceTopic.parse("devices/dev1/messages/events/"))
        .isEqualTo(new TelemetryTopic("dev1", PropertyBag.EMPTY));
    assertThat(DeviceTopic.parse("devices/dev1/messages/events"))
        .isEqualTo(new TelemetryTopic("dev1", PropertyBag.EMPTY));
  }

  @Test
  void telemetryIsOwnedOnlyByItsDevice() {
    DeviceTopic topic = DeviceTopic.parse("devices/dev1/messages/events/");

    assertThat(topic.ownedBy("dev1")).isTrue();
    assertThat(topic.ownedBy("dev2")).isFalse();
  }

  @Test
  void readsTwinRequests() {
    assertThat(DeviceTopic.parse("$iothub/twin/GET/?$rid=0b1c2d3e-aaaa")).isEqualTo(new TwinGet("0b1c2d3e-aaaa"));
    assertThat(DeviceTopic.parse("$iothub/twin/PATCH/properties/reported/?$rid=7"))
        .isEqualTo(new TwinReportedPatch("7", OptionalLong.empty()));
    assertThat(DeviceTopic.parse("$iothub/twin/PATCH/properties/reported/?$rid=7&$version=12"))
        .isEqualTo(new TwinReportedPatch("7", OptionalLong.of(12)));
    assertThat(DeviceTopic.parse("$iothub/twin/PATCH/properties/reported/?$version=12&$rid=7"))
        .isEqualTo(new TwinReportedPatch("7", OptionalLong.of(12)));
  }

  @Test
  void keepsTheRequestIdAsSent() {
    assertThat(DeviceTopic.parse("$iothub/twin/GET/?$rid=a%20b")).isEqualTo(new TwinGet("a%20b"));
  }

  @Test
  void readsMethodResponses() {
    assertThat(DeviceTopic.parse("$iothub/methods/res/200/?$rid=1")).isEqualTo(new MethodResponse(200, "1"));
    assertThat(DeviceTopic.parse("$iothub/methods/res/404/?$rid=abc")).isEqualTo(new MethodResponse(404, "abc"));
  }

  @Test
  void readsDpsRequests() {
    assertThat(DeviceTopic.parse("$dps/registrations/PUT/iotdps-register/?$rid=1")).isEqualTo(new DpsRegister("1"));
    assertThat(DeviceTopic.parse("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=4.abc.def"))
        .isEqualTo(new DpsPollStatus("2", "4.abc.def"));
  }

  @Test
  void aModuleTelemetryTopicBelongsToThatModulesSessionOnly() {
    DeviceTopic t = DeviceTopic.parse("devices/dev1/modules/m1/messages/events/%24.ct=application%2Fjson&a=1");

    assertThat(t).isInstanceOf(DeviceTopic.TelemetryTopic.class);
    assertThat(((DeviceTopic.TelemetryTopic) t).properties().contentType()).contains("application/json");
    assertThat(t.ownedBy("dev1/m1")).isTrue();
    assertThat(t.ownedBy("dev1")).as("its device").isFalse();
    assertThat(t.ownedBy("dev1/m2")).as("another module").isFalse();
    assertThat(DeviceTopic.parse("devices/dev1/modules/m1/messages/events").ownedBy("dev1/m1")).isTrue();
    assertThat(DeviceTopic.parse("devices/dev1/messages/events/").ownedBy("dev1/m1")).as("the device's topic").isFalse();
  }

  @Test
  void topicsWithoutADeviceIdAreOwnedByAnyDevice() {
    assertThat(DeviceTopic.parse("$iothub/twin/GET/?$rid=1").ownedBy("dev1")).isTrue();
    assertThat(DeviceTopic.parse("$dps/registrations/PUT/iotdps-register/?$rid=1").ownedBy("dev1")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "devices/dev1/modules//messages/events/", "devices//modules/m1/messages/events/", "devices/dev1/modules/m1/messages/eventsX", "devices//messages/events/", "devices/dev1/messages/eventsX",
      "devices/dev1/messages/devicebound/", "devices/dev1", "$iothub/twin/GET/", "$iothub/twin/GET/?$rid=",
      "$iothub/twin/GET/?rid=1", "$iothub/twin/GET/?$rid=a/b", "$iothub/twin/PATCH/properties/reported/?$rid=1&$version=x",
      "$iothub/twin/PATCH/properties/desired/?$rid=1", "$iothub/methods/res/OK/?$rid=1", "$iothub/methods/res/?$rid=1",
      "$iothub/methods/POST/reboot/?$rid=1", "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2",
      "$dps/registrations/PUT/iotdps-register/", "telemetry", ""})
  void anythingElseIsUnknownAndOwnedByNobody(String topic) {
    DeviceTopic parsed = DeviceTopic.parse(topic);

    assertThat(parsed).isEqualTo(new Unknown(topic));
    assertThat(parsed.ownedBy("dev1")).isFalse();
  }
}
