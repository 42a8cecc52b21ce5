package io.flotilla.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.gateway.mqtt.SubscriptionFilter.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubscriptionFilterTest {

  @Test
  void recognisesTheDocumentedFilters() {
    assertThat(SubscriptionFilter.parse("devices/dev1/messages/devicebound/#"))
        .isEqualTo(new SubscriptionFilter(Kind.C2D_MESSAGES, "dev1"));
    assertThat(SubscriptionFilter.parse("$iothub/twin/res/#")).isEqualTo(new SubscriptionFilter(Kind.TWIN_RESPONSES, null));
    assertThat(SubscriptionFilter.parse("$iothub/twin/PATCH/properties/desired/#").kind()).isEqualTo(Kind.DESIRED_PATCHES);
    assertThat(SubscriptionFilter.parse("$iothub/methods/POST/#").kind()).isEqualTo(Kind.METHOD_REQUESTS);
    assertThat(SubscriptionFilter.parse("$dps/registrations/res/#").kind()).isEqualTo(Kind.DPS_RESPONSES);
  }

  @Test
  void aModulesC2dFilterIsOwnedOnlyByThatModule() {
    SubscriptionFilter f = SubscriptionFilter.parse("devices/dev1/modules/m1/messages/devicebound/#");

    assertThat(f.kind()).isEqualTo(SubscriptionFilter.Kind.C2D_MESSAGES);
    assertThat(f.ownedBy("dev1/m1")).isTrue();
    assertThat(f.ownedBy("dev1")).isFalse();
    assertThat(f.ownedBy("dev1/m2")).isFalse();
    assertThat(SubscriptionFilter.parse("devices/dev1/messages/devicebound/#").ownedBy("dev1/m1")).isFalse();
  }

  @Test
  void c2dFiltersAreOwnedOnlyByTheirDevice() {
    SubscriptionFilter filter = SubscriptionFilter.parse("devices/dev1/messages/devicebound/#");

    assertThat(filter.ownedBy("dev1")).isTrue();
    assertThat(filter.ownedBy("dev2")).isFalse();
    assertThat(SubscriptionFilter.parse("$iothub/methods/POST/#").ownedBy("dev2")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "#", "devices/+/messages/devicebound/#", "devices/#", "devices//messages/devicebound/#",
      "devices/dev1/modules//messages/devicebound/#", "devices/dev1/things/m1/messages/devicebound/#", "devices/dev1/messages/devicebound/", "$iothub/twin/res/200",
      "$iothub/#", "$iothub/methods/POST/reboot", "$dps/registrations/res/+"})
  void anythingElseIsUnknownAndOwnedByNobody(String filter) {
    SubscriptionFilter parsed = SubscriptionFilter.parse(filter);

    assertThat(parsed.kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(parsed.ownedBy("dev1")).isFalse();
  }
}
