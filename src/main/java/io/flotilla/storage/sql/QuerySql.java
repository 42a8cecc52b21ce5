package io.flotilla.storage.sql;

import io.flotilla.domain.history.query.Condition;
import io.flotilla.domain.history.query.TelemetryQuery;
import io.flotilla.domain.history.query.TelemetryQuery.Aggregate;
import io.flotilla.domain.history.query.TelemetryQuery.Expression;
import io.flotilla.domain.history.query.TelemetryQuery.SelectItem;
import io.flotilla.domain.history.query.TelemetryQuery.SystemField;
import io.flotilla.domain.history.query.TelemetryQuery.TelemetryRef;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed telemetry query as one SQL statement over the history's day tables. Every value from the query text is a
 * bound parameter; only numbers computed here (a window's length, the row limit) and the generated table names are
 * written into the text. Three shapes:
 * <ul>
 *   <li>records: the values of one message (device and timestamp) pivoted into one row, conditions on telemetry in
 *       {@code HAVING};</li>
 *   <li>aggregates without conditions on telemetry: straight over the value rows;</li>
 *   <li>aggregates with conditions on telemetry: over the records.</li>
 * </ul>
 * Conditions on {@code $id}, {@code $ts}, {@code $provisioned} and {@code $simulated} joined by {@code AND} at the top
 * are pushed into every day table's {@code WHERE} (the {@code (device_id, ts_micros)} index).
 */
final class QuerySql {
  private final TelemetryQuery query;
  private final List<TelemetryRef> telemetry;
  private final List<Condition> rowLevel = new ArrayList<>();
  private final List<Condition> recordLevel = new ArrayList<>();
  final StringBuilder sql = new StringBuilder();
  final List<Object> params = new ArrayList<>();

  private QuerySql(TelemetryQuery query) {
    this.query = query;
    this.telemetry = query.telemetry();
    if (query.condition() != null) {
      Condition.conjuncts(query.condition()).forEach(c -> (c.telemetry().isEmpty() ? rowLevel : recordLevel).add(c));
    }
  }

  /** The statement for {@code query} over {@code tables} (one per day, or the partitioned parent). */
  static QuerySql of(TelemetryQuery query, List<String> tables, Instant from, Instant to, int limit) {
    QuerySql q = new QuerySql(query);
    q.build(tables, micros(from), micros(to), limit);
    return q;
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  /** The index of {@code ref} among the query's telemetry: columns {@code n<k>} and {@code j<k>}. */
  int index(TelemetryRef ref) {
    return telemetry.indexOf(ref);
  }

  private void build(List<String> tables, long from, long to, int limit) {
    if (!query.aggregates()) {
      records(tables, from, to);
      orderRecords();
    } else {
      boolean overRecords = !recordLevel.isEmpty();
      Columns c = overRecords ? new Pivoted() : new Raw();
      String ts = overRecords ? "p.ts_micros" : "r.ts_micros";
      String bucket = query.groupWindow() == null ? null : ts + " / " + query.groupWindow().micros();
      sql.append("SELECT ");
      if (bucket != null) {
        sql.append(bucket).append(" AS b, ");
      } else {
        sql.append("0 AS b, ");
      }
      for (int i = 0; i < query.items().size(); i++) {
        if (query.items().get(i).expression() instanceof Aggregate a) {
          aggregate(a, c);
          sql.append(" AS a").append(i).append(", ");
        }
      }
      sql.setLength(sql.length() - 2);
      sql.append(" FROM ");
      if (overRecords) {
        sql.append('(');
        records(tables, from, to);
        sql.append(") p");
      } else {
        rows(tables, from, to);
      }
      if (bucket != null) {
        sql.append(" GROUP BY ").append(bucket);
      }
      orderAggregates();
    }
    sql.append(" LIMIT ").append(limit);
  }

  /** One row per message: device, timestamp and each telemetry's number ({@code n<k>}) and JSON ({@code j<k>}). */
  private void records(List<String> tables, long from, long to) {
    Columns raw = new Raw();
    sql.append("SELECT r.device_id, r.ts_micros");
    for (int k = 0; k < telemetry.size(); k++) {
      sql.append(", MAX(").append(raw.num(k)).append(") AS n").append(k);
      sql.append(", MAX(").append(raw.json(k)).append(") AS j").append(k);
    }
    sql.append(" FROM ");
    rows(tables, from, to);
    sql.append(" GROUP BY r.device_id, r.ts_micros");
    if (!recordLevel.isEmpty()) {
      sql.append(" HAVING ");
      conjunction(recordLevel, new Recorded());
    }
  }

  /** The value rows of the template's devices in the range, of the telemetry named, as {@code r}. */
  private void rows(List<String> tables, long from, long to) {
    sql.append('(');
    for (int i = 0; i < tables.size(); i++) {
      if (i > 0) {
        sql.append(" UNION ALL ");
      }
      sql.append("SELECT h.ts_micros, h.device_id, h.path, h.num, h.value_json FROM ").append(tables.get(i))
          .append(" h WHERE h.ts_micros >= ").append(param(from)).append(" AND h.ts_micros < ").append(param(to));
      if (!telemetry.isEmpty()) {
        sql.append(" AND h.path IN (");
        for (int k = 0; k < telemetry.size(); k++) {
          sql.append(k > 0 ? ", " : "").append(param(telemetry.get(k).path()));
        }
        sql.append(')');
      }
      sql.append(" AND h.device_id IN (SELECT d.id FROM devices d WHERE d.template_id = ")
          .append(param(query.templateId())).append(')');
      if (!rowLevel.isEmpty()) {
        sql.append(" AND ");
        conjunction(rowLevel, new InTable());
      }
    }
    sql.append(") r");
  }

  private void orderRecords() {
    sql.append(" ORDER BY ");
    if (query.orderBy() != null) {
      String dir = query.orderBy().descending() ? " DESC" : " ASC";
      Expression e = query.orderBy().expression();
      if (e instanceof TelemetryRef t) {
        int k = index(t);
        sql.append('n').append(k).append(dir).append(" NULLS LAST, j").append(k).append(dir).append(" NULLS LAST, ");
      } else if (e == SystemField.ID) {
        sql.append("r.device_id").append(dir).append(", ");
      } else {
        sql.append("r.ts_micros").append(dir).append(", ");
      }
    }
    sql.append("r.ts_micros, r.device_id");
  }

  private void orderAggregates() {
    sql.append(" ORDER BY ");
    if (query.orderBy() != null) {
      String dir = query.orderBy().descending() ? " DESC" : " ASC";
      Expression e = query.orderBy().expression();
      int item = -1;
      for (int i = 0; i < query.items().size(); i++) {
        if (query.items().get(i).expression().equals(e)) {
          item = i;
        }
      }
      if (e instanceof Aggregate && item >= 0) {
        sql.append('a').append(item).append(dir).append(" NULLS LAST, ");
      } else {
        sql.append("b").append(dir).append(", ");
      }
    }
    sql.append("b");
  }

  private void aggregate(Aggregate a, Columns c) {
    int k = index(a.of());
    switch (a.function()) {
      case COUNT -> sql.append("COUNT(").append(c.present(k)).append(')');
      case AVG -> sql.append("AVG(").append(c.num(k)).append(')');
      case MIN -> sql.append("MIN(").append(c.num(k)).append(')');
      case MAX -> sql.append("MAX(").append(c.num(k)).append(')');
      case SUM -> sql.append("SUM(").append(c.num(k)).append(')');
      default -> throw new IllegalStateException(a.function().name());
    }
  }

  private void conjunction(List<Condition> parts, Columns c) {
    for (int i = 0; i < parts.size(); i++) {
      sql.append(i > 0 ? " AND " : "");
      condition(parts.get(i), c);
    }
  }

  private void condition(Condition cond, Columns c) {
    if (cond instanceof Condition.And and) {
      sql.append('(');
      conjunction(and.parts(), c);
      sql.append(')');
    } else if (cond instanceof Condition.Or or) {
      sql.append('(');
      for (int i = 0; i < or.parts().size(); i++) {
        sql.append(i > 0 ? " OR " : "");
        condition(or.parts().get(i), c);
      }
      sql.append(')');
    } else if (cond instanceof Condition.Comparison cmp) {
      comparison(cmp, c);
    } else {
      in((Condition.In) cond, c);
    }
  }

  private void comparison(Condition.Comparison cmp, Columns c) {
    String op = " " + cmp.operator().sql() + " ";
    Expression left = cmp.left();
    if (left == SystemField.ID) {
      sql.append(c.id()).append(op).append(param(cmp.value()));
    } else if (left == SystemField.TS) {
      sql.append(c.ts()).append(op).append(param(micros(Instant.parse(instantText(cmp.value())))));
    } else if (left == SystemField.PROVISIONED || left == SystemField.SIMULATED) {
      boolean wanted = (Boolean) cmp.value() == (cmp.operator() == Condition.Operator.EQ);
      sql.append(c.id()).append(" IN (SELECT d.id FROM devices d WHERE d.")
          .append(left == SystemField.PROVISIONED ? "provisioned" : "simulated").append(" = ")
          .append(param(wanted)).append(')');
    } else {
      int k = index((TelemetryRef) left);
      if (cmp.value() instanceof Double d) {
        sql.append(c.num(k)).append(op).append(param(d));
      } else {
        sql.append(c.json(k)).append(op).append(param(JsonText.write(cmp.value())));
      }
    }
  }

  /** A {@code $ts} literal as {@link Instant#parse} reads it (offsets normalised to UTC). */
  private static String instantText(Object value) {
    return java.time.OffsetDateTime.parse((String) value).toInstant().toString();
  }

  private void in(Condition.In in, Columns c) {
    if (in.left() == SystemField.ID) {
      sql.append(c.id()).append(" IN (");
      for (int i = 0; i < in.values().size(); i++) {
        sql.append(i > 0 ? ", " : "").append(param(String.valueOf(in.values().get(i))));
      }
      sql.append(')');
      return;
    }
    int k = index((TelemetryRef) in.left());
    List<Object> numbers = in.values().stream().filter(v -> v instanceof Double).toList();
    List<Object> others = in.values().stream().filter(v -> !(v instanceof Double)).toList();
    sql.append('(');
    if (!numbers.isEmpty()) {
      sql.append(c.num(k)).append(" IN (");
      for (int i = 0; i < numbers.size(); i++) {
        sql.append(i > 0 ? ", " : "").append(param(numbers.get(i)));
      }
      sql.append(')');
    }
    if (!others.isEmpty()) {
      sql.append(numbers.isEmpty() ? "" : " OR ").append(c.json(k)).append(" IN (");
      for (int i = 0; i < others.size(); i++) {
        sql.append(i > 0 ? ", " : "").append(param(JsonText.write(others.get(i))));
      }
      sql.append(')');
    }
    sql.append(')');
  }

  /** Adds a bound parameter; answers its placeholder. */
  private String param(Object value) {
    params.add(value);
    return "?";
  }

  /** How the query's values read in one shape of the statement. Calls add their parameters in text order. */
  private interface Columns {
    String id();

    String ts();

    String num(int k);

    String json(int k);

    String present(int k);
  }

  /** Inside one day table's {@code WHERE} (only system fields are pushed down). */
  private final class InTable implements Columns {
    @Override
    public String id() {
      return "h.device_id";
    }

    @Override
    public String ts() {
      return "h.ts_micros";
    }

    @Override
    public String num(int k) {
      throw new IllegalStateException("telemetry is not pushed down");
    }

    @Override
    public String json(int k) {
      throw new IllegalStateException("telemetry is not pushed down");
    }

    @Override
    public String present(int k) {
      throw new IllegalStateException("telemetry is not pushed down");
    }
  }

  /** Over the value rows {@code r}, one value each. */
  private class Raw implements Columns {
    @Override
    public String id() {
      return "r.device_id";
    }

    @Override
    public String ts() {
      return "r.ts_micros";
    }

    @Override
    public String num(int k) {
      return "CASE WHEN r.path = " + param(telemetry.get(k).path()) + " THEN r.num END";
    }

    @Override
    public String json(int k) {
      return "CASE WHEN r.path = " + param(telemetry.get(k).path()) + " THEN r.value_json END";
    }

    @Override
    public String present(int k) {
      return "CASE WHEN r.path = " + param(telemetry.get(k).path()) + " THEN 1 END";
    }
  }

  /** In the {@code HAVING} of the records: each telemetry is the one value of its path in the group. */
  private final class Recorded extends Raw {
    @Override
    public String num(int k) {
      return "MAX(" + super.num(k) + ")";
    }

    @Override
    public String json(int k) {
      return "MAX(" + super.json(k) + ")";
    }

    @Override
    public String present(int k) {
      return "MAX(" + super.present(k) + ")";
    }
  }

  /** Over the records {@code p}. */
  private final class Pivoted implements Columns {
    @Override
    public String id() {
      return "p.device_id";
    }

    @Override
    public String ts() {
      return "p.ts_micros";
    }

    @Override
    public String num(int k) {
      return "p.n" + k;
    }

    @Override
    public String json(int k) {
      return "p.j" + k;
    }

    @Override
    public String present(int k) {
      return "CASE WHEN p.n" + k + " IS NOT NULL OR p.j" + k + " IS NOT NULL THEN 1 END";
    }
  }

  /** The items of the query, in order (for reading the rows back). */
  List<SelectItem> items() {
    return query.items();
  }
}
