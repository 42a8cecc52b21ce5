package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.history.TelemetryMessage;
import io.flotilla.domain.history.query.QueryParser;
import io.flotilla.domain.history.query.TelemetryQuery;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlTelemetryHistory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link io.flotilla.domain.history.HistoryRepository} promises, on every database. */
abstract class TelemetryHistoryContract extends RepositoryContract {
  static final String TEMPLATE = "dtmi:test:Thermostat;1";
  static final Instant DAY1 = Instant.parse("2030-05-06T00:00:00Z");
  static final Instant DAY2 = Instant.parse("2030-05-07T00:00:00Z");

  SqlTelemetryHistory history;

  @BeforeEach
  void emptyHistory() {
    await(new SqlTelemetryHistory(db).dropBefore(LocalDate.MAX));
    history = new SqlTelemetryHistory(db);
    SqlDeviceRepository devices = new SqlDeviceRepository(db);
    for (String id : List.of("a", "b")) {
      await(devices.insert(new Device(id, id, TEMPLATE, true, id.equals("b"), false, "\"e\"", List.of()),
          Attestation.generated()));
    }
    await(devices.insert(new Device("other", "other", "dtmi:test:Other;1", true, false, false, "\"e\"", List.of()),
        Attestation.generated()));
  }

  static TelemetryMessage message(String device, String component, Instant at, String json) {
    return new TelemetryMessage(device, component, at, json(json));
  }

  List<JsonNode> query(String text, Instant from, Instant to) {
    TelemetryQuery q = QueryParser.parse(text);
    return new ArrayList<>(await(history.query(q, from, to, q.top() == null ? QueryParser.MAX_RECORDS : q.top())));
  }

  @Test
  void everyMessageIsKeptAndReadBackAsRecords() {
    await(history.append(List.of(
        message("a", null, DAY1.plusSeconds(10), "{\"temp\": 20.5, \"state\": \"on\", \"loc\": {\"lat\": 1}}"),
        message("a", null, DAY1.plusSeconds(20), "{\"temp\": 21}"),
        new TelemetryMessage("b", null, DAY1.plusSeconds(30), json("{\"temp\": 30}").put("state", UNICODE)),
        message("a", "engine", DAY2.plusSeconds(5), "{\"temp\": 90}"),
        message("other", null, DAY1.plusSeconds(40), "{\"temp\": 99}"))));
    assertThat(await(history.days())).containsExactly(LocalDate.of(2030, 5, 6), LocalDate.of(2030, 5, 7));

    List<JsonNode> all = query("SELECT $id, $ts, temp, state, loc FROM " + TEMPLATE, DAY1, DAY2.plusSeconds(86_399));
    assertThat(all).containsExactly(
        tree(json("{\"$id\":\"a\",\"$ts\":\"2030-05-06T00:00:10Z\",\"temp\":20.5,\"state\":\"on\","
            + "\"loc\":{\"lat\":1}}")),
        tree(json("{\"$id\":\"a\",\"$ts\":\"2030-05-06T00:00:20Z\",\"temp\":21}")),
        ((ObjectNode) tree(json("{\"$id\":\"b\",\"$ts\":\"2030-05-06T00:00:30Z\",\"temp\":30}"))).deepCopy()
            .set("state", value(UNICODE)));
    assertThat(query("SELECT engine.temp AS t FROM " + TEMPLATE, DAY1, DAY2.plusSeconds(86_399)))
        .containsExactly(tree(json("{\"t\":90}")));
    assertThat(query("SELECT temp FROM " + TEMPLATE, DAY1.plusSeconds(15), DAY1.plusSeconds(30)))
        .as("the range is [from, to)").containsExactly(tree(json("{\"temp\":21}")));
    assertThat(query("SELECT TOP 1 $id, temp FROM " + TEMPLATE + " ORDER BY temp DESC", DAY1, DAY2))
        .containsExactly(tree(json("{\"$id\":\"b\",\"temp\":30}")));
  }

  @Test
  void conditionsOnIdsValuesAndDeviceFlags() {
    await(history.append(List.of(
        message("a", null, DAY1.plusSeconds(1), "{\"temp\": 10, \"state\": \"on\"}"),
        message("a", null, DAY1.plusSeconds(2), "{\"temp\": 20, \"state\": \"off\"}"),
        message("b", null, DAY1.plusSeconds(3), "{\"temp\": 30, \"state\": \"on\"}"))));
    Instant to = DAY1.plusSeconds(60);
    assertThat(query("SELECT temp FROM " + TEMPLATE + " WHERE $id = 'a' AND temp > 15", DAY1, to))
        .containsExactly(tree(json("{\"temp\":20}")));
    assertThat(query("SELECT temp FROM " + TEMPLATE + " WHERE state = 'on' OR temp = 20", DAY1, to)).hasSize(3);
    assertThat(query("SELECT temp FROM " + TEMPLATE + " WHERE state IN ['off', 'x'] OR temp IN [30]", DAY1, to))
        .containsExactly(tree(json("{\"temp\":20}")), tree(json("{\"temp\":30}")));
    assertThat(query("SELECT $id FROM " + TEMPLATE + " WHERE $simulated = true", DAY1, to))
        .containsExactly(tree(json("{\"$id\":\"b\"}")));
    assertThat(query("SELECT $id FROM " + TEMPLATE + " WHERE $id IN ['b'] AND $ts >= '2030-05-06T00:00:03Z'",
        DAY1, to)).containsExactly(tree(json("{\"$id\":\"b\"}")));
    assertThat(query("SELECT temp FROM " + TEMPLATE + " WHERE $id != 'a' AND state != 'on'", DAY1, to)).isEmpty();
  }

  @Test
  void aggregatesOverWindowsWithAndWithoutConditionsOnValues() {
    List<TelemetryMessage> batch = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      batch.add(message(i % 2 == 0 ? "a" : "b", null, DAY1.plusSeconds(i), "{\"temp\": " + (i % 10) + "}"));
    }
    await(history.append(batch));
    Instant to = DAY1.plusSeconds(3000);
    List<JsonNode> windows = query("SELECT AVG(temp), MIN(temp), MAX(temp), SUM(temp), COUNT(temp) FROM " + TEMPLATE
        + " GROUP BY WINDOW(PT20M) ORDER BY $ts DESC", DAY1, to);
    assertThat(windows).containsExactly(
        tree(json("{\"$ts\":\"2030-05-06T00:40:00Z\",\"avg_temp\":4.5,\"min_temp\":0,\"max_temp\":9,"
            + "\"sum_temp\":2700,\"count_temp\":600}")),
        tree(json("{\"$ts\":\"2030-05-06T00:20:00Z\",\"avg_temp\":4.5,\"min_temp\":0,\"max_temp\":9,"
            + "\"sum_temp\":5400,\"count_temp\":1200}")),
        tree(json("{\"$ts\":\"2030-05-06T00:00:00Z\",\"avg_temp\":4.5,\"min_temp\":0,\"max_temp\":9,"
            + "\"sum_temp\":5400,\"count_temp\":1200}")));
    assertThat(query("SELECT COUNT(temp) AS n, MAX(temp) FROM " + TEMPLATE + " WHERE temp > 6 AND $id = 'a'",
        DAY1, to)).containsExactly(tree(json("{\"n\":300,\"max_temp\":8}")));
    assertThat(query("SELECT COUNT(temp) FROM " + TEMPLATE + " WHERE $id = 'nobody'", DAY1, to))
        .containsExactly(tree(json("{\"count_temp\":0}")));
  }

  @Test
  void daysArePreparedAheadAndDroppedWholeNeverRowByRow() throws SQLException {
    await(history.prepare(LocalDate.of(2030, 5, 6), LocalDate.of(2030, 5, 8)));
    await(history.prepare(LocalDate.of(2030, 5, 7), LocalDate.of(2030, 5, 7)));
    await(history.append(List.of(message("a", null, DAY1.plusSeconds(1), "{\"temp\": 1}"),
        message("a", null, DAY2.plusSeconds(1), "{\"temp\": 2}"))));
    assertThat(await(history.days())).containsExactly(LocalDate.of(2030, 5, 6), LocalDate.of(2030, 5, 7),
        LocalDate.of(2030, 5, 8));
    assertThat(tableExists("telemetry_20300506")).isTrue();

    assertThat(await(history.dropBefore(LocalDate.of(2030, 5, 7)))).containsExactly(LocalDate.of(2030, 5, 6));
    assertThat(tableExists("telemetry_20300506")).as("the day's table is gone").isFalse();
    assertThat(tableExists("telemetry_20300507")).isTrue();
    assertThat(await(new SqlTelemetryHistory(db).days())).as("as a fresh start reads the catalog")
        .containsExactly(LocalDate.of(2030, 5, 7), LocalDate.of(2030, 5, 8));
    assertThat(query("SELECT temp FROM " + TEMPLATE, DAY1, DAY2.plusSeconds(60)))
        .containsExactly(tree(json("{\"temp\":2}")));
    assertThat(await(history.dropBefore(LocalDate.of(2030, 5, 7)))).isEmpty();

    await(history.append(List.of(message("b", null, DAY1.plusSeconds(5), "{\"temp\": 3}"))));
    assertThat(query("SELECT temp FROM " + TEMPLATE, DAY1, DAY1.plusSeconds(60)))
        .as("a dropped day comes back when a message needs it").containsExactly(tree(json("{\"temp\":3}")));
  }

  private boolean tableExists(String name) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
         ResultSet rs = c.getMetaData().getTables(null, null, null, new String[] {"TABLE", "PARTITIONED TABLE"})) {
      while (rs.next()) {
        if (rs.getString("TABLE_NAME").equalsIgnoreCase(name)) {
          return true;
        }
      }
      return false;
    }
  }

}
