package io.flotilla.domain.history.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed query of IoT Central's query language (2022-10-31-preview {@code POST /query}), aliases already resolved:
 * {@code SELECT [TOP n] items FROM template [WHERE condition] [GROUP BY WINDOW(d)] [ORDER BY item [ASC|DESC]]}.
 *
 * @param top         the most records asked for, or null
 * @param window      the time range of {@code WITHIN_WINDOW}, or null (the default range)
 * @param condition   the {@code WHERE} conditions besides {@code WITHIN_WINDOW}, or null
 * @param groupWindow the length of {@code GROUP BY WINDOW}, or null (aggregates over the whole range)
 * @param orderBy     the {@code ORDER BY}, or null
 */
public record TelemetryQuery(Integer top, List<SelectItem> items, String templateId, TimeWindow window,
                             Condition condition, IsoDuration groupWindow, OrderBy orderBy) {

  public TelemetryQuery {
    items = List.copyOf(items);
  }

  /** Whether the items are aggregates (then every item is an aggregate or {@code $ts}). */
  public boolean aggregates() {
    return items.stream().anyMatch(i -> i.expression() instanceof Aggregate);
  }

  /** Every telemetry the query names, in order of first mention (select items, conditions, ordering). */
  public List<TelemetryRef> telemetry() {
    Set<TelemetryRef> all = new LinkedHashSet<>();
    for (SelectItem item : items) {
      item.expression().telemetry().ifPresent(all::add);
    }
    if (condition != null) {
      all.addAll(condition.telemetry());
    }
    if (orderBy != null) {
      orderBy.expression().telemetry().ifPresent(all::add);
    }
    return new ArrayList<>(all);
  }

  /** A value the query selects, names in a condition or orders by. */
  public sealed interface Expression permits SystemField, TelemetryRef, Aggregate {
    /** The telemetry this expression reads, if any. */
    default Optional<TelemetryRef> telemetry() {
      return Optional.empty();
    }

    /** The result key when the item has no alias: {@code $id}, {@code temperature}, {@code avg_temperature}. */
    String defaultName();
  }

  /** {@code $id}, {@code $ts}, {@code $provisioned}, {@code $simulated}. */
  public enum SystemField implements Expression {
    ID("$id"), TS("$ts"), PROVISIONED("$provisioned"), SIMULATED("$simulated");

    private final String text;

    SystemField(String text) {
      this.text = text;
    }

    @Override
    public String defaultName() {
      return text;
    }

    static Optional<SystemField> named(String text) {
      for (SystemField f : values()) {
        if (f.text.equalsIgnoreCase(text)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  /** A telemetry by its path: {@code name} (root) or {@code component.name}. */
  public record TelemetryRef(String path) implements Expression {
    @Override
    public Optional<TelemetryRef> telemetry() {
      return Optional.of(this);
    }

    @Override
    public String defaultName() {
      return path;
    }

    /** The component, or null for the root. */
    public String component() {
      int dot = path.indexOf('.');
      return dot < 0 ? null : path.substring(0, dot);
    }

    public String name() {
      return path.substring(path.indexOf('.') + 1);
    }
  }

  /** {@code AVG(x)}, {@code MIN(x)}, {@code MAX(x)}, {@code SUM(x)}, {@code COUNT(x)}. */
  public record Aggregate(Function function, TelemetryRef of) implements Expression {
    @Override
    public Optional<TelemetryRef> telemetry() {
      return Optional.of(of);
    }

    @Override
    public String defaultName() {
      return function.name().toLowerCase(java.util.Locale.ROOT) + "_" + of.path();
    }
  }

  /** The aggregate functions Flotilla answers. */
  public enum Function { AVG, MIN, MAX, SUM, COUNT }

  /** One selected value and its result key. */
  public record SelectItem(Expression expression, String alias) {
    public String name() {
      return alias != null ? alias : expression.defaultName();
    }
  }

  /** {@code ORDER BY}: an expression (an alias resolved to its item) and the direction. */
  public record OrderBy(Expression expression, boolean descending) {
  }
}
