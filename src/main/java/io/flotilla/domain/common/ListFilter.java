package io.flotilla.domain.common;

import java.util.List;
import java.util.Objects;

/**
 * A parsed list {@code filter} (the OData-like subset of {@code 2022-10-31-preview}): comparisons of a field with a
 * literal, {@code contains} and {@code startswith}, joined by {@code and} / {@code or}. Parse with
 * {@link ListFilterParser}; storage translates it (every field is a column), so pages stay keyset pages.
 */
public sealed interface ListFilter
    permits ListFilter.Compare, ListFilter.Contains, ListFilter.StartsWith, ListFilter.And, ListFilter.Or {

  /** The comparison operators, by their OData names. */
  enum Operator {
    EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">=");

    private final String sql;

    Operator(String sql) {
      this.sql = sql;
    }

    /** The SQL spelling ({@code =}, {@code <>}, ...). */
    public String sql() {
      return sql;
    }

    public boolean isOrdering() {
      return this != EQ && this != NE;
    }
  }

  /** {@code field op literal}; the value is a String or a Boolean matching the field's kind. */
  record Compare(ListField field, Operator operator, Object value) implements ListFilter {
    public Compare {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(value, "value");
    }
  }

  /** {@code contains(field, 'text')}: case-sensitive substring. */
  record Contains(ListField field, String text) implements ListFilter {
  }

  /** {@code startswith(field, 'text')}: case-sensitive prefix. */
  record StartsWith(ListField field, String text) implements ListFilter {
  }

  record And(List<ListFilter> parts) implements ListFilter {
    public And {
      parts = List.copyOf(parts);
    }
  }

  record Or(List<ListFilter> parts) implements ListFilter {
    public Or {
      parts = List.copyOf(parts);
    }
  }
}
