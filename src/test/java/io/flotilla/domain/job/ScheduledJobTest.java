package io.flotilla.domain.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.flotilla.domain.common.Limits;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduledJobTest {

  @Test
  void aRunsNameFitsTheDisplayNameLimitHoweverLongTheScheduledJobsName() {
    JobDefinition d = new JobDefinition("x".repeat(Limits.DISPLAY_NAME), null, "g",
        List.of(new JobItem("cloudProperty", "dtmi:a:b;1", "p", TextNode.valueOf("v"), null)), null, null, List.of(), JobOptions.NONE);
    ScheduledJob s = ScheduledJob.fresh("s", d, new JobSchedule(Instant.parse("2030-01-01T00:00:00Z"), null, null, null),
        true, 0, "series", "\"e\"");
    assertThat(s.runDefinition(123).displayName()).hasSize(Limits.DISPLAY_NAME).endsWith("x - 123");
    JobDefinition named = new JobDefinition("Nightly", null, "g", d.items(), null, null, List.of(), JobOptions.NONE);
    assertThat(ScheduledJob.fresh("s", named, s.schedule(), true, 0, "series", "\"e\"").runDefinition(2)
        .displayName()).isEqualTo("Nightly - 2");
  }
}
