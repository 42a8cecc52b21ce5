package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.export.DataExport;
import io.flotilla.domain.export.ExportDestination;
import io.flotilla.domain.export.ExportDestination.Customization;
import io.flotilla.domain.export.ExportRepository;
import io.flotilla.domain.device.ExportSource;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ExportRepository} on SQL (V21): destinations and exports with their type-specific settings as JSON, an
 * export's destinations as rows of {@code data_export_routes} (what the job log's writes join to queue job events).
 */
public final class SqlExportRepository implements ExportRepository {
  private static final String DESTINATION = "SELECT id, display_name, type, settings, signing_secret "
      + "FROM export_destinations ";
  private static final String EXPORT = "SELECT id, display_name, enabled, source, settings FROM data_exports ";

  private final Database db;

  public SqlExportRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Boolean> putDestination(ExportDestination d) {
    return db.transaction(c -> {
      boolean existed = !Rows.query(c, "SELECT 1 FROM export_destinations WHERE id = ? FOR UPDATE", rs -> 1, d.id())
          .isEmpty();
      String sql = existed
          ? "UPDATE export_destinations SET display_name = ?, type = ?, settings = ?, signing_secret = ? WHERE id = ?"
          : "INSERT INTO export_destinations (display_name, type, settings, signing_secret, id, created_at) "
              + "VALUES (?, ?, ?, ?, ?, ?)";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, d.displayName());
        ps.setString(2, d.type());
        ps.setString(3, JsonText.write(settings(d)));
        ps.setString(4, d.signingSecret());
        ps.setString(5, d.id());
        if (!existed) {
          ps.setTimestamp(6, Timestamp.from(Instant.now()));
        }
        ps.executeUpdate();
      }
      return existed;
    });
  }

  @Override
  public Future<Optional<ExportDestination>> destination(String id) {
    return db.read(c -> Rows.query(c, DESTINATION + "WHERE id = ?", SqlExportRepository::destination, id).stream()
        .findFirst());
  }

  @Override
  public Future<Page<ExportDestination>> destinations(PageRequest page) {
    return db.read(c -> Page.of(Rows.query(c, DESTINATION + "WHERE id > ? ORDER BY id LIMIT ?",
        SqlExportRepository::destination, after(page), page.limit() + 1), page.limit(), ExportDestination::id));
  }

  @Override
  public Future<List<ExportDestination>> allDestinations() {
    return db.read(c -> Rows.query(c, DESTINATION + "ORDER BY id", SqlExportRepository::destination));
  }

  @Override
  public Future<Boolean> deleteDestination(String id) {
    return db.transaction(c -> {
      delete(c, "DELETE FROM export_outbox WHERE destination_id = ?", id);
      delete(c, "DELETE FROM data_export_routes WHERE destination_id = ?", id);
      return delete(c, "DELETE FROM export_destinations WHERE id = ?", id) > 0;
    });
  }

  @Override
  public Future<Boolean> putExport(DataExport e) {
    return db.transaction(c -> {
      boolean existed = !Rows.query(c, "SELECT 1 FROM data_exports WHERE id = ? FOR UPDATE", rs -> 1, e.id())
          .isEmpty();
      String sql = existed
          ? "UPDATE data_exports SET display_name = ?, enabled = ?, source = ?, settings = ? WHERE id = ?"
          : "INSERT INTO data_exports (display_name, enabled, source, settings, id, created_at) "
              + "VALUES (?, ?, ?, ?, ?, ?)";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, e.displayName());
        ps.setBoolean(2, e.enabled());
        ps.setString(3, e.source().wire());
        ObjectNode settings = JsonText.MAPPER.createObjectNode();
        ObjectNode enrichments = settings.putObject("enrichments");
        e.enrichments().forEach((k, v) -> enrichments.putObject(k).put("value", v));
        ps.setString(4, JsonText.write(settings));
        ps.setString(5, e.id());
        if (!existed) {
          ps.setTimestamp(6, Timestamp.from(Instant.now()));
        }
        ps.executeUpdate();
      }
      // messages queued for destinations the export no longer sends to are dropped with the route
      List<String> before = Rows.query(c, "SELECT destination_id FROM data_export_routes WHERE export_id = ?",
          rs -> rs.getString(1), e.id());
      for (String gone : before) {
        if (!e.destinations().contains(gone)) {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM export_outbox WHERE export_id = ? "
              + "AND destination_id = ?")) {
            ps.setString(1, e.id());
            ps.setString(2, gone);
            ps.executeUpdate();
          }
        }
      }
      delete(c, "DELETE FROM data_export_routes WHERE export_id = ?", e.id());
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO data_export_routes (export_id, destination_id, "
          + "position) VALUES (?, ?, ?)")) {
        for (int i = 0; i < e.destinations().size(); i++) {
          ps.setString(1, e.id());
          ps.setString(2, e.destinations().get(i));
          ps.setInt(3, i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return existed;
    });
  }

  @Override
  public Future<Optional<DataExport>> export(String id) {
    return db.read(c -> {
      List<DataExport> found = exports(c, EXPORT + "WHERE id = ?", id);
      return found.stream().findFirst();
    });
  }

  @Override
  public Future<Page<DataExport>> exports(PageRequest page) {
    return db.read(c -> Page.of(exports(c, EXPORT + "WHERE id > ? ORDER BY id LIMIT ?", after(page),
        page.limit() + 1), page.limit(), DataExport::id));
  }

  @Override
  public Future<Page<DataExport>> exportsTo(String destinationId, PageRequest page) {
    return db.read(c -> Page.of(exports(c, EXPORT + "WHERE id IN (SELECT export_id FROM data_export_routes "
        + "WHERE destination_id = ?) AND id > ? ORDER BY id LIMIT ?", destinationId, after(page), page.limit() + 1),
        page.limit(), DataExport::id));
  }

  @Override
  public Future<List<DataExport>> enabledExports() {
    return db.read(c -> exports(c, EXPORT + "WHERE enabled = TRUE ORDER BY id"));
  }

  @Override
  public Future<Boolean> deleteExport(String id) {
    return db.transaction(c -> {
      delete(c, "DELETE FROM export_outbox WHERE export_id = ?", id);
      delete(c, "DELETE FROM data_export_routes WHERE export_id = ?", id);
      return delete(c, "DELETE FROM data_exports WHERE id = ?", id) > 0;
    });
  }

  private static List<DataExport> exports(Connection c, String sql, Object... params) throws SQLException {
    List<Object[]> rows = Rows.query(c, sql, rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getBoolean(3),
        rs.getString(4), rs.getString(5)}, params);
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<String, List<String>> routes = new HashMap<>();
    List<String> ids = rows.stream().map(r -> (String) r[0]).toList();
    try (PreparedStatement ps = c.prepareStatement("SELECT export_id, destination_id FROM data_export_routes "
        + "WHERE export_id IN (" + JobDeviceRows.placeholders(ids.size()) + ") ORDER BY export_id, position")) {
      for (int i = 0; i < ids.size(); i++) {
        ps.setString(i + 1, ids.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          routes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    List<DataExport> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      Map<String, String> enrichments = new LinkedHashMap<>();
      JsonNode e = JsonText.readObject((String) r[4]).path("enrichments");
      for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        enrichments.put(f.getKey(), f.getValue().path("value").asText());
      }
      out.add(new DataExport((String) r[0], (String) r[1], (Boolean) r[2], ExportSource.fromWire((String) r[3]),
          enrichments, routes.getOrDefault((String) r[0], List.of())));
    }
    return out;
  }

  private static ObjectNode settings(ExportDestination d) {
    ObjectNode o = JsonText.MAPPER.createObjectNode();
    o.put("url", d.url());
    customizations(o.putObject("queryCustomizations"), d.queryCustomizations());
    customizations(o.putObject("headerCustomizations"), d.headerCustomizations());
    ObjectNode auth = o.putObject("authorization").put("type", d.authorization().type());
    if (d.authorization().value() != null) {
      auth.put("value", d.authorization().value());
    }
    return o;
  }

  private static void customizations(ObjectNode o, Map<String, Customization> c) {
    c.forEach((k, v) -> o.putObject(k).put("value", v.value()).put("secret", v.secret()));
  }

  private static ExportDestination destination(ResultSet rs) throws SQLException {
    ObjectNode s = JsonText.readObject(rs.getString(4));
    JsonNode auth = s.path("authorization");
    return new ExportDestination(rs.getString(1), rs.getString(2), rs.getString(3), s.path("url").asText(null),
        customizations(s.path("queryCustomizations")), customizations(s.path("headerCustomizations")),
        new ExportDestination.Authorization(auth.path("type").asText("none"), auth.path("value").asText(null)),
        rs.getString(5));
  }

  private static Map<String, Customization> customizations(JsonNode o) {
    Map<String, Customization> out = new LinkedHashMap<>();
    o.fields().forEachRemaining(f -> out.put(f.getKey(), new Customization(f.getValue().path("value").asText(),
        f.getValue().path("secret").asBoolean(false))));
    return out;
  }

  private static int delete(Connection c, String sql, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id);
      return ps.executeUpdate();
    }
  }

  private static String after(PageRequest page) {
    return page.after() == null ? "" : page.after();
  }
}
