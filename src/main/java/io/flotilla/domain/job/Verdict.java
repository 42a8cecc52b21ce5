package io.flotilla.domain.job;

/** What a policy decides at a judged point: go on, cancel the job, or pause it (stopped, with a reason). */
public record Verdict(Action action, String reason) {
  public enum Action { CONTINUE, CANCEL, PAUSE }

  public static final Verdict CONTINUE = new Verdict(Action.CONTINUE, null);

  public static Verdict cancel(String reason) {
    return new Verdict(Action.CANCEL, reason);
  }

  public static Verdict pause(String reason) {
    return new Verdict(Action.PAUSE, reason);
  }

  public boolean goesOn() {
    return action == Action.CONTINUE;
  }
}
