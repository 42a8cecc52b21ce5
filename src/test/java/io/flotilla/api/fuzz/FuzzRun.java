package io.flotilla.api.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The fuzz run's budget and its end: tries and seed come from {@code -Dflotilla.fuzz.tries} and
 * {@code -Dflotilla.fuzz.seed} (defaults {@link #DEFAULT_TRIES} and {@link #DEFAULT_SEED}); after the last case the
 * server must still be healthy and hold exactly what the accepted requests left, and the run's figures are written to
 * {@code target/fuzz/rest-fuzz.txt}.
 */
public final class FuzzRun implements AroundPropertyHook {
  static final int DEFAULT_TRIES = 20_000;
  static final String DEFAULT_SEED = "1616";

  static int tries() {
    return Integer.getInteger("flotilla.fuzz.tries", DEFAULT_TRIES);
  }

  static String seed() {
    String s = System.getProperty("flotilla.fuzz.seed");
    return s == null || s.isBlank() ? DEFAULT_SEED : s.trim();
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    context.attributes().setTries(tries());
    context.attributes().setSeed(seed());
    long start = System.nanoTime();
    PropertyExecutionResult result = property.execute();
    String outcome = result.status().toString() + result.throwable().map(t -> ": " + t.getMessage()).orElse("");
    Throwable after = null;
    try {
      RestFuzzTest.afterTheLastCase();
    } catch (Throwable t) {
      after = t;
      outcome = outcome + "; after the last case: " + t.getMessage();
    }
    String report = RestFuzzTest.STATS.report(result.seed().orElse(seed()), tries(), System.nanoTime() - start,
        outcome, System.getProperty("flotilla.fuzz.db", "h2"));
    FuzzStats.write(report);
    System.out.println(report);
    if (after != null && result.status() == PropertyExecutionResult.Status.SUCCESSFUL) {
      return result.mapToFailed(after);
    }
    return result;
  }
}
