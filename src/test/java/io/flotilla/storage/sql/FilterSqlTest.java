package io.flotilla.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.group.filter.FilterFleet;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.domain.group.filter.TestDevice;
import io.flotilla.testing.PostgresDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the shared filter table ({@link FilterFleet#cases()}) on H2 (in memory) and on an embedded PostgreSQL
 * (C.UTF-8 collation): each filter's SQL result must equal the in-memory result and the expected ids.
 */
class FilterSqlTest {

  private static Connection h2;
  private static Connection pg;

  @BeforeAll
  static void createFleet() throws SQLException, IOException {
    h2 = DriverManager.getConnection("jdbc:h2:mem:filtertest;DB_CLOSE_DELAY=-1");
    try (Statement s = h2.createStatement()) {
      s.execute("DROP ALL OBJECTS");
    }
    pg = DriverManager.getConnection(PostgresDatabase.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password());
    for (Connection connection : List.of(h2, pg)) {
      try (Statement s = connection.createStatement()) {
        s.execute("CREATE TABLE devices (id VARCHAR(128) PRIMARY KEY, display_name VARCHAR(148),"
            + " template_id VARCHAR(2048) NULL, enabled BOOLEAN NOT NULL, simulated BOOLEAN NOT NULL,"
            + " provisioned BOOLEAN NOT NULL)");
        s.execute("CREATE TABLE device_property_values (device_id VARCHAR(128) NOT NULL, name VARCHAR(300) NOT NULL,"
            + " str_value VARCHAR(4096) NULL, num_value DOUBLE PRECISION NULL, bool_value BOOLEAN NULL,"
            + " PRIMARY KEY (device_id, name))");
      }
      for (TestDevice d : FilterFleet.devices()) {
        insert(connection, d);
      }
    }
  }

  private static void insert(Connection connection, TestDevice d) throws SQLException {
    try (PreparedStatement device = connection.prepareStatement("INSERT INTO devices VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement property = connection.prepareStatement(
            "INSERT INTO device_property_values VALUES (?, ?, ?, ?, ?)")) {
      device.setString(1, d.id());
      device.setString(2, d.displayName());
      device.setString(3, d.template());
      device.setBoolean(4, d.enabled());
      device.setBoolean(5, d.simulated());
      device.setBoolean(6, d.provisioned());
      device.executeUpdate();
      for (Map.Entry<String, Object> p : d.properties().entrySet()) {
        Object v = p.getValue();
        property.setString(1, d.id());
        property.setString(2, p.getKey());
        property.setObject(3, v instanceof String ? v : null, Types.VARCHAR);
        property.setObject(4, v instanceof Number n ? n.doubleValue() : null, Types.DOUBLE);
        property.setObject(5, v instanceof Boolean ? v : null, Types.BOOLEAN);
        property.executeUpdate();
      }
    }
  }

  @AfterAll
  static void close() throws SQLException, IOException {
    if (h2 != null) {
      h2.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static Set<String> select(Connection connection, SqlPredicate predicate) throws SQLException {
    String sql = "SELECT d.id FROM devices d WHERE " + predicate.sql();
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      List<Object> parameters = predicate.parameters();
      for (int i = 0; i < parameters.size(); i++) {
        query.setObject(i + 1, parameters.get(i));
      }
      Set<String> ids = new HashSet<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
      return ids;
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("io.flotilla.domain.group.filter.FilterFleet#cases")
  void sqlOnBothDatabasesSelectsWhatTheInMemoryFilterSelects(String filter, Set<String> expected) throws SQLException {
    DeviceFilter parsed = FilterParser.parse(filter);
    Set<String> inMemory = FilterFleet.devices().stream().filter(parsed::matches).map(TestDevice::id)
        .collect(Collectors.toSet());
    SqlPredicate predicate = FilterSql.toSql(parsed);
    assertThat(select(h2, predicate)).as("H2").isEqualTo(expected);
    assertThat(select(pg, predicate)).as("PostgreSQL").isEqualTo(expected);
    assertThat(inMemory).as("in memory").isEqualTo(expected);
  }

  @Test
  void bindsEveryValueAsAParameter() {
    SqlPredicate predicate = FilterSql.toSql(FilterParser.parse(
        "SELECT * FROM devices WHERE $id = \"x' OR 1=1 --\" AND (temp > 2.5 OR $displayName IN ['a', 'b'])"));
    assertThat(predicate.sql()).isEqualTo("(d.id = ? AND (EXISTS (SELECT 1 FROM device_property_values p"
        + " WHERE p.device_id = d.id AND p.name = ? AND p.num_value > ?) OR COALESCE(d.display_name, d.id) IN (?, ?)))");
    assertThat(predicate.parameters()).containsExactly("x' OR 1=1 --", "temp", 2.5, "a", "b");
  }

  @Test
  void escapesLikeMetacharacters() {
    assertThat(FilterSql.likePattern("a%b_c\\d")).isEqualTo("%a\\%b\\_c\\\\d%");
    SqlPredicate predicate = FilterSql.toSql(FilterParser.parse("SELECT * FROM devices WHERE contains($id, '5%')"));
    assertThat(predicate.sql()).isEqualTo("d.id LIKE ? ESCAPE '\\'");
    assertThat(predicate.parameters()).containsExactly("%5\\%%");
  }

  @Test
  void matchAllIsAlwaysTrue() throws SQLException {
    SqlPredicate predicate = FilterSql.toSql(FilterParser.parse("SELECT * FROM devices"));
    assertThat(predicate.parameters()).isEmpty();
    assertThat(select(h2, predicate)).isEqualTo(FilterFleet.ALL);
    assertThat(select(pg, predicate)).isEqualTo(FilterFleet.ALL);
  }
}
