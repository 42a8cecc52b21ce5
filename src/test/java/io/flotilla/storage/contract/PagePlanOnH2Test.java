package io.flotilla.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.domain.job.DeviceSource;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobItem;
import io.flotilla.domain.job.JobType;
import io.flotilla.domain.job.JobProgress;
import io.flotilla.domain.job.JobStatus;
import io.flotilla.storage.sql.Database;
import io.flotilla.storage.sql.SqlDeviceRepository;
import io.flotilla.storage.sql.SqlJobRepository;
import io.flotilla.storage.sql.SqlJobWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * H2 plans of the keyset page queries, as the repositories send them (captured from H2's query statistics): a page
 * walks an index in page order ({@code index sorted}) instead of sorting every match, so its cost does not grow with
 * the number of matching rows. A twin read's probe of property-job rows seeks one index entry per outstanding version.
 */
class PagePlanOnH2Test extends RepositoryContract {
  static final String TRUCK = "dtmi:contoso:Truck;1";

  SqlDeviceRepository devices;
  SqlJobRepository jobs;

  @Override
  protected Database database() {
    return ContractDatabases.h2(vertx);
  }

  @BeforeEach
  void fleet() throws SQLException {
    devices = new SqlDeviceRepository(db);
    jobs = new SqlJobRepository(db);
    String[] templates = {TRUCK, "dtmi:contoso:Sensor;1", "dtmi:contoso:Pump;1", null};
    for (int i = 0; i < 200; i++) {
      await(devices.insert(new Device(String.format("dev-%03d", i), "d", templates[i % 4], i % 3 == 0, i % 5 == 0,
          false, "\"e\"", List.of()), Attestation.symmetricKey("p", "s")));
    }
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("ANALYZE");
      s.execute("SET QUERY_STATISTICS TRUE");
    }
  }

  @Test
  void aDevicePageFilteredByTemplateWalksTheTemplateIndexInOrder() throws SQLException {
    var page = await(devices.list(FilterParser.parse("SELECT * FROM devices WHERE $template = \"" + TRUCK + "\""),
        new PageRequest("dev-040", 10)));
    assertThat(page.items()).hasSize(10);
    assertThat(page.items().get(0).id()).isEqualTo("dev-044");

    String sql = captured("AND 1 = 1 AND d.id > ? ORDER BY d.template_id, d.id LIMIT");
    String plan = explain(sql, TRUCK, "dev-040", 11);
    assertThat(plan).containsIgnoringCase("DEVICES_TEMPLATE").contains("index sorted");

    // the control: ordered by id alone, H2 does not see that the template index gives that order and sorts
    String byIdOnly = explain(sql.replace("ORDER BY d.template_id, d.id", "ORDER BY d.id"), TRUCK, "dev-040", 11);
    assertThat(byIdOnly.contains("DEVICES_TEMPLATE") && byIdOnly.contains("index sorted")).isFalse();
  }

  @Test
  void aDevicePageFilteredByAFlagWalksTheFlagIndexInOrder() throws SQLException {
    await(devices.list(FilterParser.parse("SELECT * FROM devices WHERE $simulated = true"), PageRequest.first(5)));
    String plan = explain(captured("ORDER BY d.simulated, d.id LIMIT"), true, "", 6);
    assertThat(plan).containsIgnoringCase("DEVICES_SIMULATED").contains("index sorted");
  }

  @Test
  void aDevicePageFilteredByAPropertyWalksThePropertyIndexInOrder() throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO device_property_values (device_id, name, str_value) SELECT id, 'CustomerName', "
          + "CASE WHEN MOD(CAST(SUBSTRING(id, 5) AS INT), 7) = 0 THEN 'Contoso' ELSE 'Fabrikam' END FROM devices");
      s.execute("ANALYZE");
    }
    var page = await(devices.list(FilterParser.parse(
        "SELECT * FROM devices WHERE CustomerName = \"Contoso\" AND $simulated = false"), new PageRequest("dev-020", 3)));
    assertThat(page.items()).extracting(d -> d.id()).containsExactly("dev-021", "dev-028", "dev-042");
    assertThat(page.nextKey()).contains("dev-042");

    String plan = explain(captured("FROM device_property_values p JOIN devices d"), "CustomerName", "Contoso",
        "CustomerName", "Contoso", false, "dev-020", 4);
    assertThat(plan).containsIgnoringCase("DEVICE_PROPERTY_VALUES_STR").contains("index sorted");
  }

  private static io.flotilla.domain.common.ListQuery listQuery(String filter, String orderby) {
    return new io.flotilla.domain.common.ListQuery(filter == null ? null : io.flotilla.domain.common.ListFilterParser
        .parse(filter, io.flotilla.domain.device.DeviceService.LIST_FIELDS),
        io.flotilla.domain.common.ListOrder.parse(orderby, "id"));
  }

  @Test
  void aDeviceListOrderedByDisplayNameWalksTheDisplayNameIndexBothWays() throws SQLException {
    var asc = listQuery(null, "displayName");
    var page = await(devices.select(asc, new PageRequest(asc.order().key("dev-040", "d"), 10)));
    assertThat(page.items()).extracting(Device::id).first().isEqualTo("dev-041");
    String plan = explain(captured("ORDER BY d.display_name, d.id LIMIT"), "d", "d", "dev-040", 11);
    assertThat(plan).containsIgnoringCase("DEVICES_DISPLAY_NAME").contains("index sorted");

    var desc = listQuery(null, "displayName desc");
    page = await(devices.select(desc, new PageRequest(desc.order().key("dev-040", "d"), 10)));
    assertThat(page.items()).extracting(Device::id).first().isEqualTo("dev-039");
    plan = explain(captured("ORDER BY d.display_name DESC, d.id DESC LIMIT"), "d", "d", "dev-040", 11);
    assertThat(plan).containsIgnoringCase("DEVICES_DISPLAY_NAME").contains("index sorted");
  }

  @Test
  void aDeviceListFilteredByTemplateWalksATemplateIndexInEitherOrder() throws SQLException {
    var byName = listQuery("template eq '" + TRUCK + "' and enabled eq true", "displayName");
    await(devices.select(byName, new PageRequest(byName.order().key("dev-040", "d"), 5)));
    String plan = explain(captured("ORDER BY d.template_id, d.display_name, d.id LIMIT"), TRUCK, true, "d", "d",
        "dev-040", 6);
    assertThat(plan).containsIgnoringCase("DEVICES_TEMPLATE_DISPLAY_NAME").contains("index sorted");

    var byId = listQuery("template eq '" + TRUCK + "'", null);
    await(devices.select(byId, new PageRequest("dev-040", 5)));
    plan = explain(captured("WHERE 1 = 1 AND (d.template_id = ? AND d.id > ?) ORDER BY d.template_id, d.id LIMIT"), TRUCK,
        "dev-040", 6);
    assertThat(plan).containsIgnoringCase("DEVICES_TEMPLATE").contains("index sorted");
  }

  @Test
  void aGroupListOrderedByDisplayNameWalksItsIndex() throws SQLException {
    var groups = new io.flotilla.storage.sql.SqlGroupRepository(db);
    for (int i = 0; i < 50; i++) {
      await(groups.save(new io.flotilla.domain.group.DeviceGroup("g" + i, "name " + (i % 7), null,
          FilterParser.parse("SELECT * FROM devices"), "\"e\"", List.of())));
    }
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("ANALYZE");
    }
    var q = new io.flotilla.domain.common.ListQuery(null, io.flotilla.domain.common.ListOrder.parse("displayName",
        "id"));
    await(groups.select(q, new PageRequest(q.order().key("g3", "name 3"), 5)));
    String plan = explain(captured("FROM device_groups WHERE"), "name 3", "name 3", "g3", 6);
    assertThat(plan).containsIgnoringCase("DEVICE_GROUPS_DISPLAY_NAME").contains("index sorted");
  }

  @Test
  void aJobDevicePageWalksThePrimaryKeyInOrder() throws SQLException {
    Job job = new Job("j", null, null, "g", JobType.COMMAND, List.of(new JobItem("command", TRUCK, "reboot", null,
        null)), null, null, JobStatus.PENDING, null, List.of(), Instant.EPOCH, null, null, JobProgress.NONE, 0, 0,
        null, null, JobOptions.NONE, null);
    await(jobs.insert(job));
    await(new SqlJobWork(db).expand(job, new DeviceSource.Matching(FilterParser.parse("SELECT * FROM devices")),
        java.util.Set.of(TRUCK), n -> 0, Instant.EPOCH));
    Job other = new Job("k", null, null, "g", JobType.COMMAND, job.items(), null, null, JobStatus.PENDING, null,
        List.of(), Instant.EPOCH, null, null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null);
    await(jobs.insert(other));
    await(new SqlJobWork(db).expand(other, new DeviceSource.Matching(FilterParser.parse("SELECT * FROM devices")),
        java.util.Set.of(TRUCK), n -> 0, Instant.EPOCH));
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("ANALYZE");
    }

    var page = await(jobs.devices("j", new PageRequest("50", 10)));
    assertThat(page.items()).extracting(r -> r.result().seq()).first().isEqualTo(51L);
    String plan = explain(captured("FROM job_devices WHERE k > ? AND k <= ?"), jobKey("j", 50), jobKey("j", (1L << 32) - 1),
        11);
    assertThat(plan).containsIgnoringCase("PRIMARY_KEY").contains("index sorted");
  }

  @Test
  void aTwinReadProbesEachOutstandingVersionThroughTheOverlayIndex() throws SQLException {
    for (int n = 1; n <= 3; n++) {
      Job job = new Job("p" + n, null, null, "g", JobType.PROPERTY, List.of(new JobItem("property", TRUCK, "targetTemp",
          com.fasterxml.jackson.databind.node.IntNode.valueOf(n), null)), null, null,
          JobStatus.PENDING, null, List.of(), Instant.EPOCH, null, null, JobProgress.NONE, 0, 0, null, null, JobOptions.NONE, null);
      await(jobs.insert(job));
      await(new SqlJobWork(db).expandAndApplyDesired(job,
          new DeviceSource.Matching(FilterParser.parse("SELECT * FROM devices")), java.util.Set.of(TRUCK),
          Instant.EPOCH));
    }
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("ANALYZE");
    }

    assertThat(await(devices.twin("dev-000")).orElseThrow().desired().path("targetTemp").asInt()).isEqualTo(3);
    String plan = explain(captured("FROM overlay_versions v"), "dev-000");
    // for each outstanding version, an index seek on (version, device)
    assertThat(plan).containsPattern("DESIRED_OVERLAYS_VERSION_DEVICE: DEVICE_ID = \\?1\\s+AND DESIRED_VERSION = V.DESIRED_VERSION");
  }

  @Test
  void anAuditLogPageWalksAnIndexNewestFirst() throws SQLException {
    List<io.flotilla.domain.audit.AuditEntry> entries = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      entries.add(new io.flotilla.domain.audit.AuditEntry(0, Instant.EPOCH.plusSeconds(i), "r" + i, "tok-" + (i % 3),
          List.of(), "PUT", "/api/devices/d" + i, null, "Devices_Create", i % 2 == 0 ? "devices" : "apiTokens",
          "d" + (i % 10), 200));
    }
    var audit = new io.flotilla.storage.sql.SqlAuditRepository(db);
    await(audit.append(entries));
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("ANALYZE");
    }
    var page = await(audit.list(io.flotilla.domain.audit.AuditFilter.ALL, new PageRequest("200", 10)));
    assertThat(page.items()).extracting(e -> e.seq()).first().isEqualTo(199L);
    assertThat(explain(captured("FROM audit_log WHERE seq < ? ORDER BY"), 200L, 11)).contains("index sorted");
    for (String[] f : new String[][] {{"resource_kind", "devices"}, {"resource_id", "d4"}, {"token_id", "tok-1"}}) {
      var filter = new io.flotilla.domain.audit.AuditFilter(f[0].equals("resource_kind") ? f[1] : null,
          f[0].equals("resource_id") ? f[1] : null, f[0].equals("token_id") ? f[1] : null);
      assertThat(await(audit.list(filter, new PageRequest("200", 5))).items()).hasSize(5);
      String plan = explain(captured("AND " + f[0] + " = ? ORDER BY"), 200L, f[1], 6);
      assertThat(plan).as(f[0]).containsIgnoringCase("AUDIT_LOG_").contains("index sorted");
    }
  }

  /** The {@code job_devices} key of a job's position (its number × 2^32 + the position). */
  private long jobKey(String jobId, long seq) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT job_no FROM jobs WHERE id = ?")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return (rs.getLong(1) << 32) + seq;
      }
    }
  }

  /** The one query recorded by H2's query statistics (since the database opened) that contains {@code fragment}. */
  private String captured(String fragment) throws SQLException {
    List<String> found = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT SQL_STATEMENT FROM INFORMATION_SCHEMA.QUERY_STATISTICS WHERE SQL_STATEMENT LIKE ? "
            + "AND SQL_STATEMENT LIKE 'SELECT %'")) {
      ps.setString(1, "%" + fragment + "%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    assertThat(found).as("statements containing %s", fragment).hasSize(1);
    return found.get(0);
  }

  private String explain(String sql, Object... parameters) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        StringBuilder plan = new StringBuilder();
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
        return plan.toString();
      }
    }
  }
}
