package io.flotilla.domain.group.filter;

import java.util.Optional;

/** Evaluates a condition tree against one device. */
final class SubjectMatch implements Condition.Visitor<Boolean> {

  private final FilterSubject device;

  SubjectMatch(FilterSubject device) {
    this.device = device;
  }

  @Override
  public Boolean comparison(Condition.Comparison comparison) {
    return valueOf(comparison.field())
        .flatMap(actual -> compare(actual, comparison.literal()))
        .map(comparison.operator()::accepts)
        .orElse(false);
  }

  @Override
  public Boolean inList(Condition.InList inList) {
    Optional<Object> actual = valueOf(inList.field());
    return actual.isPresent()
        && inList.literals().stream().anyMatch(l -> compare(actual.get(), l).map(c -> c == 0).orElse(false));
  }

  @Override
  public Boolean contains(Condition.Contains contains) {
    return valueOf(contains.field())
        .map(actual -> actual instanceof String s && s.contains(contains.text()))
        .orElse(false);
  }

  @Override
  public Boolean and(Condition.And and) {
    return and.conditions().stream().allMatch(c -> c.accept(this));
  }

  @Override
  public Boolean or(Condition.Or or) {
    return or.conditions().stream().anyMatch(c -> c.accept(this));
  }

  @Override
  public Boolean matchAll(Condition.MatchAll matchAll) {
    return true;
  }

  private Optional<Object> valueOf(Field field) {
    if (field instanceof PropertyField property) {
      return device.property(property.name());
    }
    return Optional.ofNullable(switch ((SystemField) field) {
      case TEMPLATE -> device.template();
      case ID -> device.id();
      case DISPLAY_NAME -> device.displayName() != null ? device.displayName() : device.id();
      case SIMULATED -> device.simulated();
      case PROVISIONED -> device.provisioned();
      case ENABLED -> device.enabled();
    });
  }

  /** The sign of actual versus literal, or empty when their types differ (no match, like a NULL column in SQL). */
  private static Optional<Integer> compare(Object actual, Literal literal) {
    if (literal instanceof Literal.Text text && actual instanceof String s) {
      return Optional.of(Integer.signum(s.compareTo(text.value())));
    }
    if (literal instanceof Literal.Numeric number && actual instanceof Number n) {
      double a = n.doubleValue();
      double b = number.value().doubleValue();
      if (Double.isNaN(a)) {
        return Optional.empty();
      }
      return Optional.of(a < b ? -1 : a > b ? 1 : 0);
    }
    if (literal instanceof Literal.Bool bool && actual instanceof Boolean b) {
      return Optional.of(b == bool.value() ? 0 : 1);
    }
    return Optional.empty();
  }
}
