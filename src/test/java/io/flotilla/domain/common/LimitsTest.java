package io.flotilla.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsTest {

  @Test
  void textOverTheLimitIsInvalidNamingTheFieldAndTheLengths() {
    assertThat(Limits.text("displayName", "x".repeat(10), 10)).hasSize(10);
    assertThat(Limits.text("displayName", null, 10)).isNull();
    assertThatThrownBy(() -> Limits.text("displayName", "x".repeat(11), 10))
        .isInstanceOf(FlotillaException.Invalid.class)
        .hasMessage("\"displayName\" must be at most 10 characters (it has 11).");
  }

  @Test
  void organizationsFollowTheDocumentedPattern() {
    assertThat(Limits.organizations("organizations", List.of("seattle", "o".repeat(48), "a-1"))).hasSize(3);
    for (String bad : List.of("", "-lead", "trail-", "Upper", "a,b", "o".repeat(49), "sp ace")) {
      assertThatThrownBy(() -> Limits.organizations("organizations", List.of(bad))).as(bad)
          .isInstanceOf(FlotillaException.Invalid.class).hasMessageContaining("\"organizations\"");
    }
  }

  @Test
  void dateTimesAndDatesAreInTheYearsOneTo9999() {
    Limits.instant("start", Instant.parse("0001-01-01T00:00:00Z"));
    Limits.instant("start", Instant.parse("9999-12-31T23:59:59.999Z"));
    assertThatThrownBy(() -> Limits.instant("start", Instant.parse("+10000-01-01T00:00:00Z")))
        .isInstanceOf(FlotillaException.Invalid.class).hasMessageContaining("\"start\"");
    assertThatThrownBy(() -> Limits.instant("start", Instant.parse("-0001-12-31T23:59:59Z")))
        .isInstanceOf(FlotillaException.Invalid.class);
    Limits.date("end", LocalDate.of(9999, 12, 31));
    assertThatThrownBy(() -> Limits.date("end", LocalDate.of(10_000, 1, 1)))
        .isInstanceOf(FlotillaException.Invalid.class).hasMessageContaining("\"end\"");
  }

  @Test
  void fitCutsTheTextSoThatTheSuffixFitsWithoutSplittingASurrogatePair() {
    assertThat(Limits.fit("short", " - 1", 1000)).isEqualTo("short - 1");
    assertThat(Limits.fit("x".repeat(1000), " - 12", 1000)).hasSize(1000).endsWith("x - 12");
    String rockets = "🚀".repeat(10); // 20 chars
    String cut = Limits.fit(rockets, "!", 10); // room 9: the 5th rocket would be split
    assertThat(cut).isEqualTo("🚀".repeat(4) + "!");
  }
}
