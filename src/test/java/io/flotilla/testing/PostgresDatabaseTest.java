package io.flotilla.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

class PostgresDatabaseTest {

  @Test
  void migratesAFreshDatabaseAndStoresRows() throws SQLException {
    String url = PostgresDatabase.jdbcUrl();
    System.out.println("embedded PostgreSQL started in " + PostgresDatabase.startTime().toMillis() + " ms");

    Flyway.configure()
        .dataSource(url, PostgresDatabase.user(), PostgresDatabase.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();

    try (Connection c = DriverManager.getConnection(url, PostgresDatabase.user(), PostgresDatabase.password())) {
      assertThat(tables(c)).contains("application", "devices", "device_groups", "device_twins", "flyway_schema_history");
      assertThat(query(c, "SELECT version()")).startsWith("PostgreSQL ");

      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO devices (id, display_name, template_id, enabled, simulated, provisioned, etag, attestation,"
              + " created_at) VALUES (?, ?, NULL, TRUE, FALSE, FALSE, ?, ?, CURRENT_TIMESTAMP)")) {
        ps.setString(1, "thermostat-1");
        ps.setString(2, "Thermostat 1");
        ps.setString(3, "etag-1");
        ps.setString(4, "{}");
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThat(query(c, "SELECT display_name FROM devices WHERE id = 'thermostat-1' AND enabled"))
          .isEqualTo("Thermostat 1");
    }
  }

  @Test
  void everyCallGivesAFreshEmptyDatabase() throws SQLException {
    String first = PostgresDatabase.jdbcUrl();
    String second = PostgresDatabase.jdbcUrl();
    assertThat(first).isNotEqualTo(second);
    try (Connection c = DriverManager.getConnection(second, PostgresDatabase.user(), PostgresDatabase.password())) {
      assertThat(tables(c)).isEmpty();
      assertThat(query(c, "SELECT current_database()")).isEqualTo(second.substring(second.lastIndexOf('/') + 1));
    }
  }

  private static List<String> tables(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
    }
    return names;
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
