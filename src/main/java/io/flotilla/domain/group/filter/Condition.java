package io.flotilla.domain.group.filter;

import java.util.List;
import java.util.Objects;

/**
 * A node of a parsed filter. Walk it with {@link #accept(Visitor)} (the compiler then checks every kind is handled).
 * {@link And} and {@link Or} are flattened: an {@code And} never holds an {@code And} directly, nor an {@code Or} an
 * {@code Or}.
 */
public sealed interface Condition
    permits Condition.Comparison, Condition.InList, Condition.Contains, Condition.And, Condition.Or,
        Condition.MatchAll {

  <R> R accept(Visitor<R> visitor);

  /** One method per kind of node. */
  interface Visitor<R> {
    R comparison(Comparison comparison);

    R inList(InList inList);

    R contains(Contains contains);

    R and(And and);

    R or(Or or);

    R matchAll(MatchAll matchAll);
  }

  /** {@code field operator literal}, e.g. {@code $template = "dtmi:x;1"} or {@code temperature > 20}. */
  record Comparison(Field field, Operator operator, Literal literal) implements Condition {
    public Comparison {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(literal, "literal");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.comparison(this);
    }
  }

  /** {@code field IN [literal, ...]}: true when the field equals one of the (at least one) literals. */
  record InList(Field field, List<Literal> literals) implements Condition {
    public InList {
      Objects.requireNonNull(field, "field");
      literals = List.copyOf(literals);
      if (literals.isEmpty()) {
        throw new IllegalArgumentException("IN needs at least one value");
      }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.inList(this);
    }
  }

  /** {@code contains(field, "text")}: the field is a string holding {@code text} (case-sensitive). */
  record Contains(Field field, String text) implements Condition {
    public Contains {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.contains(this);
    }
  }

  /** All of at least two conditions. */
  record And(List<Condition> conditions) implements Condition {
    public And {
      conditions = List.copyOf(conditions);
      if (conditions.size() < 2) {
        throw new IllegalArgumentException("AND needs at least two conditions");
      }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.and(this);
    }
  }

  /** Any of at least two conditions. */
  record Or(List<Condition> conditions) implements Condition {
    public Or {
      conditions = List.copyOf(conditions);
      if (conditions.size() < 2) {
        throw new IllegalArgumentException("OR needs at least two conditions");
      }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.or(this);
    }
  }

  /** No WHERE clause: every device. */
  record MatchAll() implements Condition {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.matchAll(this);
    }
  }
}
