package io.flotilla.storage.sql;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.provisioning.EnrollmentGroup;
import io.flotilla.domain.provisioning.EnrollmentRepository;
import io.flotilla.domain.provisioning.SigningCertificate;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
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

/** {@code enrollment_groups}. */
public final class SqlEnrollmentRepository implements EnrollmentRepository {
  private static final String COLUMNS = "id, display_name, enabled, group_type, primary_key, secondary_key, etag, "
      + "attestation_type, signing_certificates";
  private static final String SET = "display_name = ?, enabled = ?, group_type = ?, primary_key = ?, "
      + "secondary_key = ?, etag = ?, attestation_type = ?, signing_certificates = ? WHERE id = ?";
  private final Database db;

  public SqlEnrollmentRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Boolean> save(EnrollmentGroup g) {
    return db.transaction(c -> {
      try (PreparedStatement up = c.prepareStatement("UPDATE enrollment_groups SET " + SET)) {
        bind(up, g);
        up.setString(9, g.id());
        if (up.executeUpdate() > 0) {
          return false;
        }
      }
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO enrollment_groups (display_name, enabled, "
          + "group_type, primary_key, secondary_key, etag, attestation_type, signing_certificates, id, created_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        bind(ins, g);
        ins.setString(9, g.id());
        ins.setTimestamp(10, Timestamp.from(Instant.now()));
        ins.executeUpdate();
      }
      return true;
    });
  }

  @Override
  public Future<Optional<EnrollmentGroup>> update(String id, UnaryOperator<EnrollmentGroup> change) {
    return db.transaction(c -> {
      List<EnrollmentGroup> locked = query(c, "SELECT " + COLUMNS + " FROM enrollment_groups WHERE id = ? FOR UPDATE",
          id, 1);
      if (locked.isEmpty()) {
        return Optional.<EnrollmentGroup>empty();
      }
      EnrollmentGroup after = change.apply(locked.get(0));
      if (!after.id().equals(id)) {
        throw new IllegalArgumentException("A change may not rename enrollment group " + id + " to " + after.id());
      }
      try (PreparedStatement up = c.prepareStatement("UPDATE enrollment_groups SET " + SET)) {
        bind(up, after);
        up.setString(9, id);
        up.executeUpdate();
      }
      return Optional.of(after);
    });
  }

  @Override
  public Future<Optional<EnrollmentGroup>> find(String id) {
    return db.read(c -> {
      List<EnrollmentGroup> rows = query(c, "SELECT " + COLUMNS + " FROM enrollment_groups WHERE id = ?", id, 1);
      return rows.isEmpty() ? Optional.<EnrollmentGroup>empty() : Optional.of(rows.get(0));
    });
  }

  @Override
  public Future<Page<EnrollmentGroup>> list(PageRequest page) {
    return db.read(c -> Page.of(query(c, "SELECT " + COLUMNS + " FROM enrollment_groups WHERE id > ? ORDER BY id",
        page.after() == null ? "" : page.after(), page.limit() + 1), page.limit(), EnrollmentGroup::id));
  }

  @Override
  public Future<List<EnrollmentGroup>> all() {
    return db.read(c -> query(c, "SELECT " + COLUMNS + " FROM enrollment_groups WHERE id > ? ORDER BY id", "",
        Integer.MAX_VALUE));
  }

  @Override
  public Future<Boolean> delete(String id) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM enrollment_groups WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  private static void bind(PreparedStatement ps, EnrollmentGroup g) throws SQLException {
    ps.setString(1, g.displayName());
    ps.setBoolean(2, g.enabled());
    ps.setString(3, g.type());
    ps.setString(4, g.primaryKey());
    ps.setString(5, g.secondaryKey());
    ps.setString(6, g.etag());
    ps.setString(7, g.x509() ? "x509" : "symmetricKey");
    ps.setString(8, g.x509() ? writeCertificates(g.certificates()) : null);
  }

  private static String writeCertificates(Map<String, SigningCertificate> certificates) {
    ObjectNode o = JsonText.MAPPER.createObjectNode();
    certificates.forEach((entry, c) -> o.putObject(entry).put("certificate", c.certificate())
        .put("thumbprint", c.thumbprint()).put("verified", c.verified()).put("etag", c.etag())
        .put("verificationCode", c.verificationCode()));
    return JsonText.write(o);
  }

  private static Map<String, SigningCertificate> readCertificates(String type, String text) {
    if (!"x509".equals(type)) {
      return null;
    }
    Map<String, SigningCertificate> out = new TreeMap<>();
    JsonText.readObject(text).fields().forEachRemaining(e -> out.put(e.getKey(), new SigningCertificate(
        e.getValue().path("certificate").asText(), e.getValue().path("thumbprint").asText(),
        e.getValue().path("verified").asBoolean(), e.getValue().path("etag").asText(),
        e.getValue().path("verificationCode").isTextual() ? e.getValue().path("verificationCode").asText() : null)));
    return out;
  }

  private static List<EnrollmentGroup> query(Connection c, String sql, String param, int max) throws SQLException {
    List<EnrollmentGroup> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && out.size() < max) {
          out.add(new EnrollmentGroup(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
              rs.getString(5), rs.getString(6), rs.getString(7), readCertificates(rs.getString(8), rs.getString(9))));
        }
      }
    }
    return out;
  }
}
