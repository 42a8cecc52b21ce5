package io.flotilla.loadgen;

import java.util.ArrayList;
import java.util.List;

/** Rates of repeated runs of one scenario: the summary a series reports (median, spread). */
public record RunSeries(List<Double> rates) {
  public RunSeries {
    rates = List.copyOf(rates);
  }

  /** The middle rate (the mean of the two middle ones for an even count), to 0.1; NaN for no runs. */
  public double median() {
    double m = exactMedian();
    return Double.isNaN(m) ? m : ScenarioResult.round(m, 1);
  }

  /** The median unrounded (for ratios). */
  public double exactMedian() {
    if (rates.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(rates);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  public double min() {
    return rates.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  public double max() {
    return rates.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /** How many runs reached {@code target}. */
  public long reaching(double target) {
    return rates.stream().filter(r -> r >= target).count();
  }
}
