package io.flotilla.loadgen;

/** One benchmark: prepares what it needs through the {@link Rig} and reports what it measured. */
public interface Scenario {
  String name();

  ScenarioResult run(Rig rig);
}
