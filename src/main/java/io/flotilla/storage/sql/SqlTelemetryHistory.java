package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.history.HistoryRepository;
import io.flotilla.domain.history.TelemetryMessage;
import io.flotilla.domain.history.query.TelemetryQuery;
import io.flotilla.domain.history.query.TelemetryQuery.Aggregate;
import io.flotilla.domain.history.query.TelemetryQuery.SelectItem;
import io.flotilla.domain.history.query.TelemetryQuery.SystemField;
import io.flotilla.domain.history.query.TelemetryQuery.TelemetryRef;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The telemetry history: one row per telemetry value ({@code ts_micros, device_id, path, num, value_json}; a number
 * in {@code num}, anything else as JSON text) in one table per UTC day, {@code telemetry_yyyymmdd}. On PostgreSQL the
 * day tables are range partitions of {@code telemetry_history} (native partitioning: the planner prunes them by
 * {@code ts_micros}); on H2, which has no partitioning, they are plain tables and a query reads the union of the days
 * its range covers. Either way a day goes by {@code DROP TABLE}, never row by row. Writes are JDBC batches.
 */
public final class SqlTelemetryHistory implements HistoryRepository {
  private static final int BATCH = 2000;
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  private static final String PARENT = "telemetry_history";
  private static final String COLUMNS = "(ts_micros BIGINT NOT NULL, device_id VARCHAR(128) NOT NULL, "
      + "path VARCHAR(430) NOT NULL, num DOUBLE PRECISION, value_json VARCHAR(1000000))";

  private final Database db;
  private final Database reads;
  private final NavigableSet<LocalDate> days = new ConcurrentSkipListSet<>();
  private volatile boolean loaded;

  /** Writes and partition upkeep on {@code db}; queries on {@code reads} (the same database, another lane). */
  public SqlTelemetryHistory(Database db, Database reads) {
    this.db = db;
    this.reads = reads;
  }

  public SqlTelemetryHistory(Database db) {
    this(db, db);
  }

  static String table(LocalDate day) {
    return "telemetry_" + DAY.format(day);
  }

  private static LocalDate dayOf(long micros) {
    return LocalDate.ofEpochDay(Math.floorDiv(micros, 86_400_000_000L));
  }

  private static long startMicros(LocalDate day) {
    return day.toEpochDay() * 86_400_000_000L;
  }

  @Override
  public Future<Void> append(List<TelemetryMessage> messages) {
    return db.read(c -> {
      Map<LocalDate, List<TelemetryMessage>> byDay = new TreeMap<>();
      for (TelemetryMessage m : messages) {
        byDay.computeIfAbsent(dayOf(micros(m.timestamp())), d -> new ArrayList<>()).add(m);
      }
      for (LocalDate day : byDay.keySet()) {
        ensure(c, day);
      }
      c.setAutoCommit(false);
      try {
        for (Map.Entry<LocalDate, List<TelemetryMessage>> e : byDay.entrySet()) {
          insert(c, db.dialect() == Dialect.POSTGRESQL ? PARENT : table(e.getKey()), e.getValue());
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      return null;
    });
  }

  private static void insert(Connection c, String table, List<TelemetryMessage> messages) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
        + " (ts_micros, device_id, path, num, value_json) VALUES (?, ?, ?, ?, ?)")) {
      int n = 0;
      for (TelemetryMessage m : messages) {
        long ts = micros(m.timestamp());
        for (Iterator<Map.Entry<String, JsonNode>> it = m.values().fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> v = it.next();
          ps.setLong(1, ts);
          ps.setString(2, m.deviceId());
          ps.setString(3, m.path(v.getKey()));
          JsonNode value = v.getValue();
          if (value.isNumber()) {
            ps.setDouble(4, value.asDouble());
            ps.setNull(5, java.sql.Types.VARCHAR);
          } else {
            ps.setNull(4, java.sql.Types.DOUBLE);
            ps.setString(5, JsonText.write(value));
          }
          ps.addBatch();
          if (++n % BATCH == 0) {
            ps.executeBatch();
          }
        }
      }
      if (n % BATCH != 0) {
        ps.executeBatch();
      }
    }
  }

  @Override
  public Future<Void> prepare(LocalDate from, LocalDate to) {
    return db.read(c -> {
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        ensure(c, d);
      }
      return null;
    });
  }

  /** Creates the day's table (and on PostgreSQL the parent) unless the catalog has it. */
  private void ensure(Connection c, LocalDate day) throws SQLException {
    load(c);
    if (days.contains(day)) {
      return;
    }
    String table = table(day);
    try (Statement s = c.createStatement()) {
      if (db.dialect() == Dialect.POSTGRESQL) {
        s.execute("CREATE TABLE IF NOT EXISTS " + PARENT + " " + COLUMNS + " PARTITION BY RANGE (ts_micros)");
        s.execute("CREATE INDEX IF NOT EXISTS " + PARENT + "_device ON " + PARENT + " (device_id, ts_micros)");
        s.execute("CREATE TABLE IF NOT EXISTS " + table + " PARTITION OF " + PARENT + " FOR VALUES FROM ("
            + startMicros(day) + ") TO (" + startMicros(day.plusDays(1)) + ")");
      } else {
        s.execute("CREATE TABLE IF NOT EXISTS " + table + " " + COLUMNS);
        s.execute("CREATE INDEX IF NOT EXISTS " + table + "_device ON " + table + " (device_id, ts_micros)");
      }
    }
    String merge = db.dialect() == Dialect.POSTGRESQL
        ? "INSERT INTO telemetry_partitions (day_date, table_name) VALUES (?, ?) ON CONFLICT (day_date) DO NOTHING"
        : "MERGE INTO telemetry_partitions (day_date, table_name) KEY (day_date) VALUES (?, ?)";
    try (PreparedStatement ps = c.prepareStatement(merge)) {
      ps.setObject(1, day);
      ps.setString(2, table);
      ps.executeUpdate();
    }
    days.add(day);
  }

  private void load(Connection c) throws SQLException {
    if (loaded) {
      return;
    }
    days.addAll(Rows.query(c, "SELECT day_date FROM telemetry_partitions", rs -> rs.getObject(1, LocalDate.class)));
    loaded = true;
  }

  @Override
  public Future<List<LocalDate>> dropBefore(LocalDate day) {
    return db.read(c -> {
      load(c);
      List<LocalDate> dropped = new ArrayList<>();
      for (LocalDate d : List.copyOf(days.headSet(day))) {
        try (Statement s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS " + table(d));
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM telemetry_partitions WHERE day_date = ?")) {
          ps.setObject(1, d);
          ps.executeUpdate();
        }
        days.remove(d);
        dropped.add(d);
      }
      return dropped;
    });
  }

  @Override
  public Future<List<LocalDate>> days() {
    return db.read(c -> {
      load(c);
      return List.copyOf(days);
    });
  }

  @Override
  public Future<List<ObjectNode>> query(TelemetryQuery query, Instant from, Instant to, int limit) {
    return reads.read(c -> {
      load(c);
      List<String> tables;
      if (db.dialect() == Dialect.POSTGRESQL) {
        tables = List.of(PARENT);
        if (days.isEmpty()) {
          return List.<ObjectNode>of();
        }
      } else {
        LocalDate first = dayOf(micros(from));
        LocalDate last = dayOf(micros(to) - 1);
        tables = days.subSet(first, true, last, true).stream().map(SqlTelemetryHistory::table).toList();
        if (tables.isEmpty()) {
          return List.<ObjectNode>of();
        }
      }
      QuerySql sql = QuerySql.of(query, tables, from, to, limit);
      List<ObjectNode> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.sql.toString())) {
        Rows.bind(ps, 1, sql.params);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(query.aggregates() ? aggregateRecord(query, rs) : record(query, sql, rs));
          }
        }
      }
      return out;
    });
  }

  private static ObjectNode record(TelemetryQuery query, QuerySql sql, ResultSet rs) throws SQLException {
    ObjectNode o = JsonText.MAPPER.createObjectNode();
    for (SelectItem item : query.items()) {
      if (item.expression() == SystemField.ID) {
        o.put(item.name(), rs.getString("device_id"));
      } else if (item.expression() == SystemField.TS) {
        o.put(item.name(), instant(rs.getLong("ts_micros")));
      } else if (item.expression() instanceof TelemetryRef t) {
        int k = sql.index(t);
        double n = rs.getDouble("n" + k);
        if (!rs.wasNull()) {
          o.set(item.name(), number(n));
        } else {
          String json = rs.getString("j" + k);
          if (json != null) {
            o.set(item.name(), JsonText.read(json));
          }
        }
      }
    }
    return o;
  }

  private static ObjectNode aggregateRecord(TelemetryQuery query, ResultSet rs) throws SQLException {
    ObjectNode o = JsonText.MAPPER.createObjectNode();
    if (query.groupWindow() != null) {
      String key = query.items().stream().filter(i -> i.expression() == SystemField.TS).map(SelectItem::name)
          .findFirst().orElse("$ts");
      o.put(key, instant(rs.getLong("b") * query.groupWindow().micros()));
    }
    for (int i = 0; i < query.items().size(); i++) {
      SelectItem item = query.items().get(i);
      if (item.expression() instanceof Aggregate a) {
        double v = rs.getDouble("a" + i);
        if (!rs.wasNull()) {
          o.set(item.name(), number(v));
        }
      }
    }
    return o;
  }

  /** A stored number as JSON: integral values as integers (JSON does not tell {@code 5} from {@code 5.0}). */
  private static JsonNode number(double v) {
    if (v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE) {
      return JsonText.MAPPER.getNodeFactory().numberNode((int) v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 9.007199254740992E15) {
      return JsonText.MAPPER.getNodeFactory().numberNode((long) v);
    }
    return JsonText.MAPPER.getNodeFactory().numberNode(v);
  }

  private static String instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
  }

  private static long micros(Instant t) {
    return QuerySql.micros(t);
  }
}
