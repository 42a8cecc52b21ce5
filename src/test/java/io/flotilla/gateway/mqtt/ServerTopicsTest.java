package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerTopicsTest {

  @Test
  void buildsTwinResponsesWithRidFirstAndVersionLast() {
    assertThat(ServerTopics.twinResponse(200, "1")).isEqualTo("$iothub/twin/res/200/?$rid=1");
    assertThat(ServerTopics.twinResponse(204, "1", 6)).isEqualTo("$iothub/twin/res/204/?$rid=1&$version=6");
    assertThat(ServerTopics.twinResponse(429, "0b1c-aa")).isEqualTo("$iothub/twin/res/429/?$rid=0b1c-aa");
  }

  @Test
  void refusesStatusesThatAreNotThreeDigits() {
    assertThatThrownBy(() -> ServerTopics.twinResponse(99, "1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerTopics.twinResponse(1000, "1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerTopics.dpsResponse(20, "1", null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesRequestIdsThatWouldBreakTheTopic() {
    assertThatThrownBy(() -> ServerTopics.twinResponse(200, "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerTopics.twinResponse(200, "a&b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerTopics.methodRequest("reboot", "a/b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buildsDesiredPatchTopicsWithOnlyTheVersion() {
    assertThat(ServerTopics.desiredPatch(8)).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=8");
  }

  @Test
  void buildsMethodRequestsIncludingComponentCommands() {
    assertThat(ServerTopics.methodRequest("reboot", "1")).isEqualTo("$iothub/methods/POST/reboot/?$rid=1");
    assertThat(ServerTopics.methodRequest("thermostat1*getMaxMinReport", "42"))
        .isEqualTo("$iothub/methods/POST/thermostat1*getMaxMinReport/?$rid=42");
    assertThatThrownBy(() -> ServerTopics.methodRequest("a/b", "1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerTopics.methodRequest("", "1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerTopics.methodRequest("a#", "1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buildsC2dTopicsThatStartWithAnEncodedSystemProperty() {
    PropertyBag bag = PropertyBag.EMPTY.with("method-name", "GenerateDiagnostics").with("iothub-ack", "none")
        .with("$.mid", "c2d-1");

    assertThat(ServerTopics.c2d("dev1", bag)).isEqualTo("devices/dev1/messages/devicebound/%24.mid=c2d-1"
        + "&%24.to=%2Fdevices%2Fdev1%2Fmessages%2FdeviceBound&method-name=GenerateDiagnostics&iothub-ack=none");
  }

  @Test
  void addsTheDestinationWhenTheBagHasNoSystemProperty() {
    String topic = ServerTopics.c2d("dev1", PropertyBag.EMPTY.with("method-name", "reboot"));

    assertThat(topic).isEqualTo("devices/dev1/messages/devicebound/%24.to=%2Fdevices%2Fdev1%2Fmessages%2FdeviceBound"
        + "&method-name=reboot");
    assertThat(ServerTopics.c2d("dev1", PropertyBag.EMPTY))
        .isEqualTo("devices/dev1/messages/devicebound/%24.to=%2Fdevices%2Fdev1%2Fmessages%2FdeviceBound");
  }

  @Test
  void buildsDpsResponsesWithOptionalRetryAfter() {
    assertThat(ServerTopics.dpsResponse(202, "1", 3)).isEqualTo("$dps/registrations/res/202/?$rid=1&retry-after=3");
    assertThat(ServerTopics.dpsResponse(200, "2", null)).isEqualTo("$dps/registrations/res/200/?$rid=2");
  }

  @Test
  void echoesADeviceRequestIdUnchanged() {
    DeviceTopic.TwinGet get = (DeviceTopic.TwinGet) DeviceTopic.parse("$iothub/twin/GET/?$rid=a%20b");

    assertThat(ServerTopics.twinResponse(200, get.rid())).isEqualTo("$iothub/twin/res/200/?$rid=a%20b");
  }
}
