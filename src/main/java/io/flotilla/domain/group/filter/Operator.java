package io.flotilla.domain.group.filter;

/** The comparison operators; {@code <>} is read as {@link #NOT_EQUAL}. */
public enum Operator {
  EQUAL("="),
  NOT_EQUAL("!="),
  LESS("<"),
  LESS_OR_EQUAL("<="),
  GREATER(">"),
  GREATER_OR_EQUAL(">=");

  private final String symbol;

  Operator(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written in a filter ({@code !=} for not-equal). */
  public String symbol() {
    return symbol;
  }

  /** True for {@code < <= > >=}, which need numbers or strings. */
  public boolean isOrdering() {
    return this != EQUAL && this != NOT_EQUAL;
  }

  /** Whether a comparison result ({@code actual.compareTo(literal)}, sign only) satisfies this operator. */
  public boolean accepts(int comparison) {
    return switch (this) {
      case EQUAL -> comparison == 0;
      case NOT_EQUAL -> comparison != 0;
      case LESS -> comparison < 0;
      case LESS_OR_EQUAL -> comparison <= 0;
      case GREATER -> comparison > 0;
      case GREATER_OR_EQUAL -> comparison >= 0;
    };
  }
}
