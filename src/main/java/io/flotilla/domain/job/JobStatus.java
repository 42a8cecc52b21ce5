package io.flotilla.domain.job;

import java.util.Locale;

/** A job's state (decision D-c): {@code complete} even when some devices failed; {@code failed} = could not run. */
public enum JobStatus {
  PENDING, RUNNING, COMPLETE, FAILED, STOPPED, CANCELLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == COMPLETE || this == FAILED || this == CANCELLED;
  }

  public static JobStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
