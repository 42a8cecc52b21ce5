package io.flotilla.domain.history.query;

import io.flotilla.domain.history.query.TelemetryQuery.Expression;
import io.flotilla.domain.history.query.TelemetryQuery.TelemetryRef;
import java.util.List;
import java.util.stream.Stream;

/** A {@code WHERE} condition (besides {@code WITHIN_WINDOW}). */
public sealed interface Condition {

  /** The telemetry the condition reads. */
  List<TelemetryRef> telemetry();

  /** {@code left op value}: {@code temperature > 20}, {@code $id = 'truck-1'}. */
  record Comparison(Expression left, Operator operator, Object value) implements Condition {
    @Override
    public List<TelemetryRef> telemetry() {
      return left.telemetry().stream().toList();
    }
  }

  /** {@code left IN ['a', 'b']} (telemetry and {@code $id}). */
  record In(Expression left, List<Object> values) implements Condition {
    public In {
      values = List.copyOf(values);
    }

    @Override
    public List<TelemetryRef> telemetry() {
      return left.telemetry().stream().toList();
    }
  }

  /** All of {@code parts}. */
  record And(List<Condition> parts) implements Condition {
    public And {
      parts = List.copyOf(parts);
    }

    @Override
    public List<TelemetryRef> telemetry() {
      return parts.stream().flatMap(p -> p.telemetry().stream()).toList();
    }
  }

  /** Any of {@code parts}. */
  record Or(List<Condition> parts) implements Condition {
    public Or {
      parts = List.copyOf(parts);
    }

    @Override
    public List<TelemetryRef> telemetry() {
      return parts.stream().flatMap(p -> p.telemetry().stream()).toList();
    }
  }

  /** Comparison operators; {@code <>} is read as {@code !=}. */
  enum Operator {
    EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

    private final String sql;

    Operator(String sql) {
      this.sql = sql;
    }

    /** The operator in SQL (the same symbols). */
    public String sql() {
      return sql;
    }

    static Operator of(String symbol) {
      return switch (symbol) {
        case "=" -> EQ;
        case "!=", "<>" -> NE;
        case "<" -> LT;
        case "<=" -> LE;
        case ">" -> GT;
        case ">=" -> GE;
        default -> throw new IllegalArgumentException(symbol);
      };
    }
  }

  /** The conjuncts of {@code c}: the parts of a top-level {@code AND}, or {@code c} alone. */
  static Stream<Condition> conjuncts(Condition c) {
    return c instanceof And and ? and.parts().stream() : Stream.of(c);
  }
}
