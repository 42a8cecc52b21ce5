package io.flotilla.domain.job;

/** Devices are processed in consecutive batches of a number of devices or a percentage of the job's devices. */
public record JobBatch(Measure type, double value) {
  public enum Measure { NUMBER, PERCENTAGE }

  /** The batch size for a job of {@code total} devices (at least 1). */
  public int size(int total) {
    if (type == Measure.NUMBER) {
      return (int) Math.max(1, Math.floor(value));
    }
    return (int) Math.max(1, Math.ceil(total * value / 100.0));
  }
}
