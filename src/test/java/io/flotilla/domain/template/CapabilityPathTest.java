package io.flotilla.domain.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.domain.common.FlotillaException;
import org.junit.jupiter.api.Test;

class CapabilityPathTest {

  @Test
  void parsesRootAndComponentPaths() {
    assertThat(CapabilityPath.parse("targetTemperature")).isEqualTo(new CapabilityPath(null, "targetTemperature"));
    assertThat(CapabilityPath.parse("settings.fanSpeed")).isEqualTo(new CapabilityPath("settings", "fanSpeed"));
    assertThat(CapabilityPath.parse("settings.fanSpeed").inComponent()).isTrue();
    assertThat(CapabilityPath.parse("settings.fanSpeed")).hasToString("settings.fanSpeed");
  }

  @Test
  void rejectsMalformedPaths() {
    for (String path : new String[] {"", "a.b.c", ".a", "a."}) {
      assertThatThrownBy(() -> CapabilityPath.parse(path))
          .as(path).isInstanceOf(FlotillaException.Invalid.class).hasMessageContaining("capability path");
    }
  }
}
