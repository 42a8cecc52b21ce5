package io.flotilla.domain.job;

/** Device counts within one batch (a range of positions). */
public record BatchCounts(long pending, long dispatched, long completed, long failed) {
  public long total() {
    return pending + dispatched + completed + failed;
  }

  public boolean done() {
    return pending == 0 && dispatched == 0;
  }
}
