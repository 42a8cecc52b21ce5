package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropertyBagTest {

  @Test
  void readsTheJavaSdkBagWithLiteralDollarSigns() {
    PropertyBag bag = PropertyBag.parse("$.mid=msg-1&$.cid=b4bb90ca-4d5e-4f1a-9a3b-0c2d1e0f7a11&$.cdid=dev1&$.ce=utf-8"
        + "&$.ct=application%2Fjson&$.sub=thermostat1&app%20prop=v%201");

    assertThat(bag.messageId()).contains("msg-1");
    assertThat(bag.correlationId()).contains("b4bb90ca-4d5e-4f1a-9a3b-0c2d1e0f7a11");
    assertThat(bag.contentType()).contains("application/json");
    assertThat(bag.contentEncoding()).contains("utf-8");
    assertThat(bag.componentName()).contains("thermostat1");
    assertThat(bag.systemProperties()).containsOnlyKeys("$.mid", "$.cid", "$.cdid", "$.ce", "$.ct", "$.sub");
    assertThat(bag.applicationProperties()).containsExactly(Map.entry("app prop", "v 1"));
  }

  @Test
  void readsTheNodeSdkBagWithEncodedDollarSigns() {
    PropertyBag bag = PropertyBag.parse("%24.ct=application%2Fjson&%24.ce=utf-8&%24.sub=thermostat1");

    assertThat(bag.contentType()).contains("application/json");
    assertThat(bag.contentEncoding()).contains("utf-8");
    assertThat(bag.componentName()).contains("thermostat1");
    assertThat(bag.applicationProperties()).isEmpty();
  }

  @Test
  void keepsPlusSignsBareKeysAndUtf8() {
    PropertyBag bag = PropertyBag.parse("a+b=c+d&flag&empty=&%C3%A9t%C3%A9=%E2%82%AC&bad=%zz");

    assertThat(bag.properties()).containsEntry("a+b", "c+d").containsEntry("flag", null).containsEntry("empty", "")
        .containsEntry("été", "€").containsEntry("bad", "%zz");
    assertThat(bag.get("flag")).isEmpty();
  }

  @Test
  void hasNoComponentOrContentTypeWhenNotSent() {
    PropertyBag bag = PropertyBag.parse("");

    assertThat(bag.isEmpty()).isTrue();
    assertThat(bag.componentName()).isEmpty();
    assertThat(bag.contentType()).isEmpty();
    assertThat(PropertyBag.parse("$.sub=").componentName()).isEmpty();
  }

  @Test
  void encodesForDevicesWithAnEncodedSystemPropertyFirstAndNoBareKeys() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("method-name", "GenerateDiagnostics");
    properties.put("note", null);
    properties.put("$.to", "/devices/dev1/messages/deviceBound");
    properties.put("iothub-ack", "none");
    properties.put("$.mid", "m 1+2");
    properties.put("$.ct", "application/json");

    String encoded = new PropertyBag(properties).encodeForDevice();

    assertThat(encoded).isEqualTo("%24.mid=m%201%2B2&%24.to=%2Fdevices%2Fdev1%2Fmessages%2FdeviceBound"
        + "&%24.ct=application%2Fjson&method-name=GenerateDiagnostics&note=&iothub-ack=none");
    assertThat(encoded).startsWith("%24.");
    assertThat(encoded.split("&")).allMatch(pair -> pair.contains("="));
  }

  @Test
  void roundTripsThroughEncoding() {
    PropertyBag bag = PropertyBag.EMPTY.with("$.mid", "id/1").with("key & more", "a=b&c").with("€", "ü");

    assertThat(PropertyBag.parse(bag.encodeForDevice())).isEqualTo(bag);
  }

  @Test
  void refusesToEncodeApplicationPropertiesWithoutASystemProperty() {
    assertThat(PropertyBag.EMPTY.encodeForDevice()).isEmpty();
    assertThatThrownBy(() -> PropertyBag.EMPTY.with("method-name", "reboot").encodeForDevice())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void isImmutable() {
    Map<String, String> source = new LinkedHashMap<>(Map.of("a", "1"));
    PropertyBag bag = new PropertyBag(source);
    source.put("b", "2");

    assertThat(bag.properties()).containsOnlyKeys("a");
    assertThat(bag.with("b", "2").properties()).containsOnlyKeys("a", "b");
    assertThatThrownBy(() -> bag.properties().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
  }
}
