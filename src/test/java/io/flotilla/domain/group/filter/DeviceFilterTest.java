package io.flotilla.domain.group.filter;

import static io.flotilla.domain.group.filter.TestDevice.device;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeviceFilterTest {

  private static boolean matches(String condition, TestDevice device) {
    return FilterParser.parse("SELECT * FROM devices WHERE " + condition).matches(device);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("io.flotilla.domain.group.filter.FilterFleet#cases")
  void selectsTheExpectedDevicesOfTheFleet(String filter, Set<String> expected) {
    DeviceFilter parsed = FilterParser.parse(filter);
    Set<String> selected = FilterFleet.devices().stream().filter(parsed::matches).map(TestDevice::id)
        .collect(Collectors.toSet());
    assertThat(selected).isEqualTo(expected);
  }

  @Test
  void absentValuesNeverMatchEvenNotEqual() {
    TestDevice bare = device("d1");
    assertThat(matches("$template != 'x'", bare)).isFalse();
    assertThat(matches("$template IN ['x']", bare)).isFalse();
    assertThat(matches("contains($template, '')", bare)).isFalse();
    assertThat(matches("p != 1", bare)).isFalse();
    assertThat(matches("p != 'a'", bare)).isFalse();
    assertThat(matches("p != 'a'", bare.with("p", "b"))).isTrue();
  }

  @Test
  void aPropertyOfAnotherTypeNeverMatches() {
    TestDevice d = device("d1").with("n", "20").with("b", true).with("s", 5L);
    assertThat(matches("n = 20", d)).isFalse();
    assertThat(matches("n != 20", d)).isFalse();
    assertThat(matches("n = '20'", d)).isTrue();
    assertThat(matches("b = 'true'", d)).isFalse();
    assertThat(matches("b = true", d)).isTrue();
    assertThat(matches("contains(s, '5')", d)).isFalse();
  }

  @Test
  void everyNumberTypeComparesByValue() {
    assertThat(matches("n = 20", device("d").with("n", 20L))).isTrue();
    assertThat(matches("n = 20.0", device("d").with("n", 20.0))).isTrue();
    assertThat(matches("n = 20", device("d").with("n", new BigDecimal("20.000")))).isTrue();
    assertThat(matches("n < 20.5", device("d").with("n", 20))).isTrue();
    assertThat(matches("n > 20.5", device("d").with("n", 20))).isFalse();
    assertThat(matches("n = 1", device("d").with("n", Double.NaN))).isFalse();
  }

  @Test
  void aMissingDisplayNameReadsAsTheId() {
    TestDevice d = device("dev-7").withDisplayName(null);
    assertThat(matches("$displayName = 'dev-7'", d)).isTrue();
    assertThat(matches("contains($displayName, 'v-')", d)).isTrue();
    assertThat(matches("$displayName = 'dev-7'", d.withDisplayName("Named"))).isFalse();
  }

  @Test
  void flagsCompareWithEqualsAndNotEquals() {
    TestDevice d = device("d").asSimulated().asDisabled();
    assertThat(matches("$simulated = true AND $enabled = false AND $provisioned != true", d)).isTrue();
    assertThat(matches("$provisioned = true", d)).isFalse();
  }

  @Test
  void noWhereClauseMatchesEveryDevice() {
    assertThat(FilterParser.parse("SELECT * FROM devices").matches(device("x").asDisabled())).isTrue();
  }
}
