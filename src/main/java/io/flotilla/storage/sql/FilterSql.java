package io.flotilla.storage.sql;

import io.flotilla.domain.group.filter.Condition;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.group.filter.Literal;
import io.flotilla.domain.group.filter.Operator;
import io.flotilla.domain.group.filter.PropertyField;
import io.flotilla.domain.group.filter.SystemField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Translates a {@link DeviceFilter} into a SQL predicate over {@code devices d} (H2 2.x and PostgreSQL 15).
 * Properties are matched through {@code device_property_values p} (one row per primitive property value, with the
 * value in {@code str_value}, {@code num_value} or {@code bool_value}), so a property of another type than the
 * literal, or an absent one, never matches: the same rules as {@link DeviceFilter#matches}. Numbers are bound as
 * doubles; {@code contains} is a case-sensitive {@code LIKE} with {@code % _ \} escaped.
 *
 * <p>String ordering ({@code < <= > >=}) follows the database collation; it agrees with the in-memory evaluator
 * (Java {@code String.compareTo}) on H2 and on PostgreSQL databases with the {@code C} collation.
 */
public final class FilterSql {

  private static final String PROPERTY_ROW =
      "EXISTS (SELECT 1 FROM device_property_values p WHERE p.device_id = d.id AND p.name = ? AND ";

  private FilterSql() {}

  public static SqlPredicate toSql(DeviceFilter filter) {
    List<Object> parameters = new ArrayList<>();
    String sql = filter.accept(new Translation(parameters));
    return new SqlPredicate(sql, parameters);
  }

  private static final class Translation implements Condition.Visitor<String> {

    private final List<Object> parameters;

    Translation(List<Object> parameters) {
      this.parameters = parameters;
    }

    @Override
    public String comparison(Condition.Comparison comparison) {
      String operator = sqlOperator(comparison.operator());
      Literal literal = comparison.literal();
      if (comparison.field() instanceof PropertyField property) {
        parameters.add(property.name());
        return PROPERTY_ROW + valueColumn(literal) + " " + operator + " " + bind(literal) + ")";
      }
      return column((SystemField) comparison.field()) + " " + operator + " " + bind(literal);
    }

    @Override
    public String inList(Condition.InList inList) {
      if (inList.field() instanceof PropertyField property) {
        parameters.add(property.name());
        var byColumn = inList.literals().stream()
            .collect(Collectors.groupingBy(FilterSql::valueColumn, TreeMap::new, Collectors.toList()));
        List<String> alternatives = new ArrayList<>();
        byColumn.forEach((column, literals) -> alternatives.add(column + " IN (" + bindAll(literals) + ")"));
        return PROPERTY_ROW + "(" + String.join(" OR ", alternatives) + "))";
      }
      return column((SystemField) inList.field()) + " IN (" + bindAll(inList.literals()) + ")";
    }

    @Override
    public String contains(Condition.Contains contains) {
      String like = "LIKE ? ESCAPE '\\'";
      if (contains.field() instanceof PropertyField property) {
        parameters.add(property.name());
        parameters.add(likePattern(contains.text()));
        return PROPERTY_ROW + "p.str_value " + like + ")";
      }
      parameters.add(likePattern(contains.text()));
      return column((SystemField) contains.field()) + " " + like;
    }

    @Override
    public String and(Condition.And and) {
      return join(and.conditions(), " AND ");
    }

    @Override
    public String or(Condition.Or or) {
      return join(or.conditions(), " OR ");
    }

    @Override
    public String matchAll(Condition.MatchAll matchAll) {
      return "1 = 1";
    }

    private String join(List<Condition> conditions, String operator) {
      List<String> parts = new ArrayList<>();
      for (Condition condition : conditions) {
        parts.add(condition.accept(this));
      }
      return "(" + String.join(operator, parts) + ")";
    }

    private String bind(Literal literal) {
      parameters.add(value(literal));
      return "?";
    }

    private String bindAll(List<Literal> literals) {
      literals.forEach(l -> parameters.add(value(l)));
      return String.join(", ", Collections.nCopies(literals.size(), "?"));
    }
  }

  private static String column(SystemField field) {
    return switch (field) {
      case TEMPLATE -> "d.template_id";
      case ID -> "d.id";
      case DISPLAY_NAME -> "COALESCE(d.display_name, d.id)";
      case SIMULATED -> "d.simulated";
      case PROVISIONED -> "d.provisioned";
      case ENABLED -> "d.enabled";
    };
  }

  private static String valueColumn(Literal literal) {
    if (literal instanceof Literal.Text) {
      return "p.str_value";
    }
    return literal instanceof Literal.Numeric ? "p.num_value" : "p.bool_value";
  }

  private static Object value(Literal literal) {
    if (literal instanceof Literal.Text text) {
      return text.value();
    }
    if (literal instanceof Literal.Numeric number) {
      return number.value().doubleValue();
    }
    return ((Literal.Bool) literal).value();
  }

  private static String sqlOperator(Operator operator) {
    return operator == Operator.NOT_EQUAL ? "<>" : operator.symbol();
  }

  /** {@code %text%} with the LIKE metacharacters of {@code text} escaped by a backslash. */
  static String likePattern(String text) {
    return "%" + likeEscape(text) + "%";
  }

  /** {@code text} with the LIKE metacharacters {@code % _ \} escaped by a backslash. */
  static String likeEscape(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
