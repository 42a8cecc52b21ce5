package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.Change;
import io.flotilla.domain.common.ListOrder;
import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.device.Attestation;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceRepository;
import io.flotilla.domain.device.Twin;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

public final class SqlDeviceRepository implements DeviceRepository {
  private static final String COLUMNS =
      "d.id, d.display_name, d.template_id, d.enabled, d.simulated, d.provisioned, d.etag, d.organizations";
  private static final int COLUMN_COUNT = 8;
  private final Database db;
  private final TwinWrites twinWrites;

  public SqlDeviceRepository(Database db) {
    this.db = db;
    this.twinWrites = new TwinWrites(db);
  }

  @Override
  public Future<Void> insert(Device device, Attestation attestation) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices (id, display_name, template_id, enabled, "
          + "simulated, provisioned, etag, organizations, attestation, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, device.id());
        ps.setString(2, device.displayName());
        ps.setString(3, device.templateId());
        ps.setBoolean(4, device.enabled());
        ps.setBoolean(5, device.simulated());
        ps.setBoolean(6, device.provisioned());
        ps.setString(7, device.etag());
        ps.setString(8, Rows.joinOrgs(device.organizations()));
        ps.setString(9, AttestationJson.write(attestation));
        ps.setTimestamp(10, Timestamp.from(Instant.now()));
        ps.executeUpdate();
      }
      TwinRows.insert(c, device.id(), Twin.created(DesiredVersions.next(c, db.dialect())));
      return null;
    });
  }

  @Override
  public Future<Optional<Change<Device>>> update(String id, DeviceChange change) {
    return db.transaction(c -> {
      List<Device> locked = Rows.query(c, "SELECT " + COLUMNS + " FROM devices d WHERE d.id = ? FOR UPDATE",
          SqlDeviceRepository::row, id);
      if (locked.isEmpty()) {
        return Optional.<Change<Device>>empty();
      }
      Device current = locked.get(0);
      Device after = change.apply(current, () -> countSimulated(c));
      if (after != current) {
        if (!after.id().equals(id)) {
          throw new IllegalArgumentException("A change may not rename device " + id + " to " + after.id());
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET display_name = ?, template_id = ?, "
            + "enabled = ?, simulated = ?, etag = ?, organizations = ? WHERE id = ?")) {
          ps.setString(1, after.displayName());
          ps.setString(2, after.templateId());
          ps.setBoolean(3, after.enabled());
          ps.setBoolean(4, after.simulated());
          ps.setString(5, after.etag());
          ps.setString(6, Rows.joinOrgs(after.organizations()));
          ps.setString(7, id);
          ps.executeUpdate();
        }
      }
      return Optional.of(new Change<>(current, after));
    });
  }

  @Override
  public Future<Optional<Device>> find(String id) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM devices d WHERE d.id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.<Device>empty();
        }
      }
    });
  }

  @Override
  public Future<Page<Device>> list(DeviceFilter filter, OrganizationScope scope, PageRequest page) {
    SqlPredicate predicate = filter == null ? new SqlPredicate("1 = 1", List.of()) : FilterSql.toSql(filter);
    SqlPredicate within = OrganizationSql.within("d.organizations", scope);
    Optional<DevicePageOrder.PropertyPin> pin = DevicePageOrder.pinnedProperty(filter);
    List<Object> params = new ArrayList<>();
    String sql;
    if (pin.isPresent()) {
      // Driven by the property's values in device-id order: a page costs the same however sparse the matches.
      String col = "p." + pin.get().column();
      sql = "SELECT " + COLUMNS + " FROM device_property_values p JOIN devices d ON d.id = p.device_id "
          + "WHERE p.name = ? AND " + col + " = ? AND (" + predicate.sql() + ") AND " + within.sql()
          + " AND p.device_id > ? "
          + "ORDER BY p.name, " + col + ", p.device_id LIMIT ?";
      params.add(pin.get().name());
      params.add(pin.get().value());
    } else {
      sql = "SELECT " + COLUMNS + " FROM devices d WHERE (" + predicate.sql() + ") AND " + within.sql()
          + " AND d.id > ? ORDER BY "
          + DevicePageOrder.of(filter) + " LIMIT ?";
    }
    params.addAll(predicate.parameters());
    params.addAll(within.parameters());
    params.add(page.after() == null ? "" : page.after());
    params.add(page.limit() + 1);
    return db.read(c -> Page.of(Rows.query(c, sql, SqlDeviceRepository::row, params.toArray()), page.limit(),
        Device::id));
  }

  /** The filter fields of a device list; pages walk (id), (display_name, id) or (template_id, ...) indexes. */
  private static final ListSql.Table LIST = new ListSql.Table(java.util.Map.of("id", "d.id",
      "displayName", "d.display_name", "enabled", "d.enabled", "provisioned", "d.provisioned",
      "simulated", "d.simulated", "template", "d.template_id", "scopes", "d.organizations"), "d.id", "d.display_name");

  @Override
  public Future<Page<Device>> select(ListQuery query, OrganizationScope scope, PageRequest page) {
    // (template_id, id) and (template_id, display_name, id) exist for both orders; the flags only for id order.
    List<String> pinnable = query.order().by() == ListOrder.By.ID
        ? List.of("d.template_id", "d.simulated", "d.provisioned", "d.enabled") : List.of("d.template_id");
    ListSql.Page p = ListSql.page(LIST, query.filter(), query.order(), page.after(), pinnable)
        .within(OrganizationSql.within("d.organizations", scope));
    List<Object> params = new ArrayList<>(p.parameters());
    params.add(page.limit() + 1);
    String sql = "SELECT " + COLUMNS + " FROM devices d WHERE " + p.where() + " ORDER BY " + p.orderBy() + " LIMIT ?";
    return db.read(c -> Page.of(Rows.query(c, sql, SqlDeviceRepository::row, params.toArray()), page.limit(),
        d -> query.order().key(d.id(), d.displayName())));
  }

  @Override
  public Future<Boolean> delete(String id) {
    return db.transaction(c -> {
      TwinRows.find(c, id, true); // the twin's row lock first, as every twin write and fold takes them
      DesiredOverlays.removeAll(c, id); // property-job rows have no foreign key (they are written in bulk)
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM devices WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Future<Optional<Attestation>> attestation(String id) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT attestation FROM devices WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(AttestationJson.read(rs.getString(1))) : Optional.<Attestation>empty();
        }
      }
    });
  }

  @Override
  public Future<Optional<Credentialed>> findWithAttestation(String id) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + ", d.attestation FROM devices d WHERE d.id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<Credentialed>empty();
          }
          return Optional.of(new Credentialed(row(rs), AttestationJson.read(rs.getString(COLUMN_COUNT + 1))));
        }
      }
    });
  }

  @Override
  public Future<Boolean> saveAttestation(String id, Attestation attestation) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET attestation = ? WHERE id = ?")) {
        ps.setString(1, AttestationJson.write(attestation));
        ps.setString(2, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Future<Optional<Attestation>> updateAttestation(String id, UnaryOperator<Attestation> change) {
    return db.transaction(c -> {
      List<Attestation> locked = Rows.query(c, "SELECT attestation FROM devices WHERE id = ? FOR UPDATE",
          rs -> AttestationJson.read(rs.getString(1)), id);
      if (locked.isEmpty()) {
        return Optional.<Attestation>empty();
      }
      Attestation after = change.apply(locked.get(0));
      try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET attestation = ? WHERE id = ?")) {
        ps.setString(1, AttestationJson.write(after));
        ps.setString(2, id);
        ps.executeUpdate();
      }
      return Optional.of(after);
    });
  }

  @Override
  public Future<Optional<Twin>> twin(String id) {
    return db.read(c -> {
      List<DesiredOverlays.Overlay> rows = DesiredOverlays.rows(c, id); // first: see DesiredOverlays.rows
      Optional<Twin> stored = TwinRows.find(c, id, false);
      return stored.isEmpty() ? stored : Optional.of(DesiredOverlays.apply(stored.get(), rows, null));
    });
  }

  @Override
  public Future<Optional<Twin>> updateTwin(String id, TwinChange change) {
    return twinWrites.submit(id, change);
  }

  @Override
  public Future<Long> count(DeviceFilter filter) {
    // without a filter, a plain COUNT(*) (which H2 answers from the table's row count)
    SqlPredicate predicate = filter == null ? null : FilterSql.toSql(filter);
    return db.read(c -> Rows.query(c, "SELECT COUNT(*) FROM devices d"
            + (predicate == null ? "" : " WHERE " + predicate.sql()),
        rs -> rs.getLong(1), predicate == null ? new Object[0] : predicate.parameters().toArray()).get(0));
  }

  @Override
  public Future<Long> countSimulated() {
    return db.read(SqlDeviceRepository::countSimulated);
  }

  private static long countSimulated(Connection c) {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM devices WHERE simulated = TRUE");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw Database.translate(e);
    }
  }

  @Override
  public Future<Void> markProvisioned(java.util.Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> sorted = ids.stream().distinct().sorted().toList();
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE devices SET provisioned = TRUE WHERE id = ? AND provisioned = FALSE")) {
        for (String id : sorted) {
          ps.setString(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  private static Device row(ResultSet rs) throws SQLException {
    return new Device(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5),
        rs.getBoolean(6), rs.getString(7), Rows.splitOrgs(rs.getString(8)));
  }

  /** Attestation documents in the {@code devices.attestation} column (the REST {@code Attestation} shape). */
  static final class AttestationJson {
    private AttestationJson() {
    }

    static String write(Attestation a) {
      if (a.document() != null) {
        return JsonText.write(a.document());
      }
      ObjectNode o = JsonText.MAPPER.createObjectNode().put("type", a.type());
      if (a.isSymmetricKey()) {
        o.putObject("symmetricKey").put("primaryKey", a.primaryKey()).put("secondaryKey", a.secondaryKey());
      }
      return JsonText.write(o);
    }

    static Attestation read(String text) {
      ObjectNode o = JsonText.readObject(text);
      String type = o.path("type").asText("none");
      if (Attestation.SYMMETRIC_KEY.equals(type)) {
        return Attestation.symmetricKey(o.path("symmetricKey").path("primaryKey").asText(null),
            o.path("symmetricKey").path("secondaryKey").asText(null));
      }
      return new Attestation(type, null, null, o);
    }
  }

}
