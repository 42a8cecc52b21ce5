package io.flotilla.domain.job;

/** Device counts within one batch (a range of positions), by lifecycle state. */
public record BatchCounts(long pending, long dispatched, long waiting, long completed, long failed) {
  public long total() {
    return pending + dispatched + waiting + completed + failed;
  }

  /** Devices that reached a final state. */
  public long finished() {
    return completed + failed;
  }

  /** Whether every device of the batch reached a final state. */
  public boolean done() {
    return pending == 0 && dispatched == 0 && waiting == 0;
  }
}
