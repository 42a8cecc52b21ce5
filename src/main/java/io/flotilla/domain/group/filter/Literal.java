package io.flotilla.domain.group.filter;

import java.math.BigDecimal;
import java.util.Objects;

/** A constant in a filter: a string, a number or a boolean. */
public sealed interface Literal permits Literal.Text, Literal.Numeric, Literal.Bool {

  /** The literal written back in filter syntax ({@code "a \"b\""}, {@code -1.5}, {@code true}). */
  String text();

  /** A quoted string, escapes already resolved. */
  record Text(String value) implements Literal {
    public Text {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String text() {
      return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
  }

  /** A number exactly as written; devices' numbers are compared as doubles (the stored precision). */
  record Numeric(BigDecimal value) implements Literal {
    public Numeric {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String text() {
      return value.toPlainString();
    }
  }

  /** {@code true} or {@code false}. */
  record Bool(boolean value) implements Literal {
    @Override
    public String text() {
      return Boolean.toString(value);
    }
  }
}
