package io.flotilla.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuTimesTest {

  @Test
  void parsesTheAggregateLineAndIgnoresPerCpuLines() {
    CpuTimes t = CpuTimes.parse("cpu  100 5 50 800 10 0 15 20 0 0\ncpu0 50 2 25 400 5 0 7 10 0 0\nintr 1 2\n");
    assertThat(t.total()).isEqualTo(100 + 5 + 50 + 800 + 10 + 0 + 15 + 20);
    assertThat(t.steal()).isEqualTo(20);
    assertThat(t.idle()).isEqualTo(800 + 10);
  }

  @Test
  void busyIsOneMinusTheIdleShareOfElapsedTime() {
    CpuTimes before = CpuTimes.parse("cpu  100 0 0 800 0 0 0 0 0 0\n");
    CpuTimes after = CpuTimes.parse("cpu  250 0 50 1000 0 0 0 0 0 0\n");
    // elapsed 400 ticks: 150 user + 50 system busy, 200 idle
    assertThat(after.busySince(before)).isEqualTo(0.5);
    assertThat(after.busySince(CpuTimes.UNKNOWN)).isNaN();
  }

  @Test
  void stealPercentIsTheShareOfElapsedCpuTime() {
    CpuTimes before = CpuTimes.parse("cpu  100 0 0 800 0 0 0 100 0 0\n");
    CpuTimes after = CpuTimes.parse("cpu  400 0 0 1400 0 0 0 300 0 0\n");
    // elapsed: 300 user + 600 idle + 200 steal = 1100 ticks, 200 of them stolen
    assertThat(after.stealPercentSince(before)).isEqualTo(18.2);
    assertThat(before.stealPercentSince(before)).isNaN();
  }

  @Test
  void unknownWithoutTheAggregateLine() {
    assertThat(CpuTimes.parse("intr 1 2\n")).isEqualTo(CpuTimes.UNKNOWN);
    assertThat(CpuTimes.parse("cpu  1 2 3 4 5 6 7 8\n").stealPercentSince(CpuTimes.UNKNOWN)).isNaN();
  }
}
