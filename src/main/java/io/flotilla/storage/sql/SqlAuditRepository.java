package io.flotilla.storage.sql;

import io.flotilla.domain.audit.AuditEntry;
import io.flotilla.domain.audit.AuditFilter;
import io.flotilla.domain.audit.AuditRepository;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The audit log in table {@code audit_log} (V30): keyset pages on {@code seq}, newest first. */
public final class SqlAuditRepository implements AuditRepository {
  private static final String COLUMNS = "seq, logged_at, request_id, token_id, roles, method, path, query, "
      + "operation_id, resource_kind, resource_id, status";
  private final Database db;

  public SqlAuditRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> append(List<AuditEntry> entries) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (logged_at, request_id, token_id, roles, "
          + "method, path, query, operation_id, resource_kind, resource_id, status) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (AuditEntry e : entries) {
          ps.setTimestamp(1, Timestamp.from(e.time()));
          ps.setString(2, e.requestId());
          ps.setString(3, e.tokenId());
          ps.setString(4, RoleRows.write(e.roles()));
          ps.setString(5, e.method());
          ps.setString(6, e.path());
          if (e.query() == null) {
            ps.setNull(7, Types.VARCHAR);
          } else {
            ps.setString(7, e.query());
          }
          ps.setString(8, e.operationId());
          ps.setString(9, e.resourceKind());
          if (e.resourceId() == null) {
            ps.setNull(10, Types.VARCHAR);
          } else {
            ps.setString(10, e.resourceId());
          }
          ps.setInt(11, e.status());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public Future<Page<AuditEntry>> list(AuditFilter filter, PageRequest page) {
    long before;
    try {
      before = page.after() == null ? Long.MAX_VALUE : Long.parseLong(page.after());
    } catch (NumberFormatException e) {
      return Future.failedFuture(new FlotillaException.Invalid(
          "Invalid $skiptoken: use the nextLink of a previous page of the audit log as it is."));
    }
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE seq < ?");
    List<String> values = new ArrayList<>();
    String fixed = null;
    for (String[] f : new String[][] {{"resource_kind", filter.resourceKind()}, {"resource_id", filter.resourceId()},
        {"token_id", filter.tokenId()}}) {
      if (f[1] != null) {
        sql.append(" AND ").append(f[0]).append(" = ?");
        values.add(f[1]);
        fixed = fixed == null ? f[0] : fixed;
      }
    }
    // Ordered by the (fixed) filter column too, so that H2 walks that column's (column, seq) index backwards instead
    // of sorting every match (see PagePlanOnH2Test).
    sql.append(" ORDER BY ").append(fixed == null ? "" : fixed + " DESC, ").append("seq DESC LIMIT ?");
    return db.read(c -> {
      List<AuditEntry> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int i = 1;
        ps.setLong(i++, before);
        for (String v : values) {
          ps.setString(i++, v);
        }
        ps.setInt(i, page.limit() + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(row(rs));
          }
        }
      }
      return Page.of(rows, page.limit(), e -> Long.toString(e.seq()));
    });
  }

  @Override
  public Future<Integer> deleteBefore(Instant cutoff, int limit) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log "
          + "WHERE logged_at < ? ORDER BY logged_at LIMIT ?)")) {
        ps.setTimestamp(1, Timestamp.from(cutoff));
        ps.setInt(2, limit);
        return ps.executeUpdate();
      }
    });
  }

  private static AuditEntry row(ResultSet rs) throws java.sql.SQLException {
    return new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
        RoleRows.read(rs.getString(5)), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
        rs.getString(10), rs.getString(11), rs.getInt(12));
  }
}
