package io.flotilla.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerSampleTest {
  private static final String SCRAPE = """
      # HELP jvm_memory_used_bytes The amount of used memory
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.2582912E7
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 8388608.0
      jvm_memory_used_bytes{area="heap",id="G1 Survivor Space"} 1048576.0
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
      jvm_memory_committed_bytes{area="heap",id="G1 Old Gen"} 9.9E7
      # HELP process_cpu_usage The "recent cpu usage" for the Java Virtual Machine process
      # TYPE process_cpu_usage gauge
      process_cpu_usage 0.4375
      system_cpu_usage 0.9
      """;

  @Test
  void sumsEveryHeapPoolAndReadsProcessCpu() {
    ServerSample s = ServerSample.parse(SCRAPE);
    assertThat(s.heapBytes()).isEqualTo(12_582_912L + 8_388_608L + 1_048_576L);
    assertThat(s.cpuUsage()).isEqualTo(0.4375);
  }

  @Test
  void toleratesTimestampsAndMissingCpu() {
    ServerSample s = ServerSample.parse("jvm_memory_used_bytes{id=\"x\",area=\"heap\"} 1024 1700000000000\n");
    assertThat(s.heapBytes()).isEqualTo(1024);
    assertThat(s.cpuUsage()).isNaN();
  }

  @Test
  void readsOneGaugeByName() {
    String text = SCRAPE + "# TYPE flotilla_mqtt_sessions gauge\nflotilla_mqtt_sessions_total 7\nflotilla_mqtt_sessions 5000.0\n";
    assertThat(ServerSample.gauge(text, "flotilla_mqtt_sessions")).isEqualTo(5000.0);
    assertThat(ServerSample.gauge(text, "process_cpu_usage")).isEqualTo(0.4375);
    assertThat(ServerSample.gauge(SCRAPE, "flotilla_mqtt_sessions")).isNaN();
  }

  @Test
  void watchSummaryReportsBeforeAfterMaxAndCpuMean() {
    Map<String, Object> m = ServerWatch.summary(List.of(new ServerSample(10 << 20, 0.2),
        new ServerSample(30 << 20, 0.6), new ServerSample(20 << 20, Double.NaN)));
    assertThat(m).containsEntry("heap_before_mb", 10.0).containsEntry("heap_after_mb", 20.0)
        .containsEntry("heap_max_mb", 30.0).containsEntry("cpu_mean", 0.4).containsEntry("cpu_max", 0.6);
  }
}
