package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.job.CancellationThreshold;
import io.flotilla.domain.job.JobBatch;
import io.flotilla.domain.job.JobDefinition;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobSchedule;
import io.flotilla.domain.job.ScheduledJob;
import io.flotilla.domain.job.ScheduledJobRepository;
import io.flotilla.domain.common.OrganizationScope;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code scheduled_jobs}: definition and schedule as JSON text, the scheduler's state in real columns. */
public final class SqlScheduledJobRepository implements ScheduledJobRepository {
  private static final String COLUMNS = "id, display_name, description, group_id, items, batch, "
      + "cancellation_threshold, organizations, schedule, enabled, completed, next_run_at, runs, series, etag, options";
  private final Database db;

  public SqlScheduledJobRepository(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> insert(ScheduledJob j) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO scheduled_jobs (" + COLUMNS + ", created_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, j.id());
        int at = bindDefinition(ps, 2, j);
        ps.setBoolean(at, j.completed());
        ps.setTimestamp(at + 1, timestamp(j.nextRunAt()));
        ps.setInt(at + 2, j.runs());
        ps.setString(at + 3, j.series());
        ps.setString(at + 4, j.etag());
        ps.setString(at + 5, JobRows.writeOptions(j.definition().options()));
        ps.setTimestamp(at + 6, Timestamp.from(Instant.now()));
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Optional<ScheduledJob>> update(String id, ScheduledJobChange change) {
    return db.transaction(c -> {
      List<ScheduledJob> locked = query(c, "WHERE id = ? FOR UPDATE", id);
      if (locked.isEmpty()) {
        return Optional.<ScheduledJob>empty();
      }
      ScheduledJob j = change.apply(locked.get(0), () -> {
        try {
          return hasActiveRuns(c, id);
        } catch (SQLException e) {
          throw Database.translate(e);
        }
      });
      if (!j.id().equals(id)) {
        throw new IllegalArgumentException("A change may not rename scheduled job " + id + " to " + j.id());
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE scheduled_jobs SET display_name = ?, description = ?, "
          + "group_id = ?, items = ?, batch = ?, cancellation_threshold = ?, organizations = ?, schedule = ?, "
          + "enabled = ?, etag = ?, completed = ?, next_run_at = ?, options = ? WHERE id = ?")) {
        int at = bindDefinition(ps, 1, j);
        ps.setString(at, j.etag());
        ps.setBoolean(at + 1, j.completed());
        ps.setTimestamp(at + 2, timestamp(j.nextRunAt()));
        ps.setString(at + 3, JobRows.writeOptions(j.definition().options()));
        ps.setString(at + 4, id);
        ps.executeUpdate();
      }
      return Optional.of(j);
    });
  }

  @Override
  public Future<Optional<ScheduledJob>> find(String id) {
    return db.read(c -> {
      List<ScheduledJob> rows = query(c, "WHERE id = ?", id);
      return rows.isEmpty() ? Optional.<ScheduledJob>empty() : Optional.of(rows.get(0));
    });
  }

  @Override
  public Future<Page<ScheduledJob>> list(OrganizationScope scope, PageRequest page) {
    SqlPredicate within = OrganizationSql.within("organizations", scope);
    List<Object> params = new ArrayList<>(within.parameters());
    params.add(page.after() == null ? "" : page.after());
    params.add(page.limit() + 1);
    return db.read(c -> Page.of(query(c, "WHERE " + within.sql() + " AND id > ? ORDER BY id LIMIT ?",
        params.toArray()), page.limit(), ScheduledJob::id));
  }

  @Override
  public Future<Boolean> delete(String id) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM scheduled_jobs WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Future<List<ScheduledJob>> due(Instant now, int limit) {
    return db.read(c -> query(c, "WHERE enabled = TRUE AND completed = FALSE AND next_run_at <= ? "
        + "ORDER BY next_run_at, id LIMIT ?", Timestamp.from(now), limit));
  }

  @Override
  public Future<Void> recordRun(ScheduledJob before, ScheduledJob after) {
    return db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE scheduled_jobs SET runs = ?, next_run_at = ?, "
          + "completed = ? WHERE id = ? AND runs = ? AND etag = ?")) {
        ps.setInt(1, after.runs());
        ps.setTimestamp(2, timestamp(after.nextRunAt()));
        ps.setBoolean(3, after.completed());
        ps.setString(4, before.id());
        ps.setInt(5, before.runs());
        ps.setString(6, before.etag());
        if (ps.executeUpdate() > 0) {
          return null;
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE scheduled_jobs SET runs = ? WHERE id = ? AND runs = ?")) {
        ps.setInt(1, after.runs());
        ps.setString(2, before.id());
        ps.setInt(3, before.runs());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Boolean> hasActiveRuns(String scheduledJobId) {
    return db.read(c -> hasActiveRuns(c, scheduledJobId));
  }

  private static boolean hasActiveRuns(java.sql.Connection c, String scheduledJobId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM jobs WHERE scheduled_job_id = ? "
        + "AND status IN ('pending', 'running') LIMIT 1")) {
      ps.setString(1, scheduledJobId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Binds display name .. enabled (10 columns) from {@code at}; answers the next free index. */
  private static int bindDefinition(PreparedStatement ps, int at, ScheduledJob j) throws SQLException {
    JobDefinition d = j.definition();
    ps.setString(at, d.displayName());
    ps.setString(at + 1, d.description());
    ps.setString(at + 2, d.groupId());
    ps.setString(at + 3, JobRows.writeItems(d.items()));
    ps.setString(at + 4, d.batch() == null ? null : JsonText.write(batch(d.batch())));
    ps.setString(at + 5, d.cancellationThreshold() == null ? null : JsonText.write(threshold(d.cancellationThreshold())));
    ps.setString(at + 6, Rows.joinOrgs(d.organizations()));
    ps.setString(at + 7, JsonText.write(schedule(j.schedule())));
    ps.setBoolean(at + 8, j.enabled());
    return at + 9;
  }

  private static List<ScheduledJob> query(java.sql.Connection c, String where, Object... params) throws SQLException {
    return Rows.query(c, "SELECT " + COLUMNS + " FROM scheduled_jobs " + where, SqlScheduledJobRepository::row, params);
  }

  private static ScheduledJob row(ResultSet rs) throws SQLException {
    JobDefinition d = new JobDefinition(rs.getString(2), rs.getString(3), rs.getString(4),
        JobRows.readItems(rs.getString(5)), readBatch(rs.getString(6)), readThreshold(rs.getString(7)),
        Rows.splitOrgs(rs.getString(8)), JobRows.readOptions(rs.getString(16)));
    Timestamp next = rs.getTimestamp(12);
    return new ScheduledJob(rs.getString(1), d, readSchedule(rs.getString(9)), rs.getBoolean(10), rs.getBoolean(11),
        next == null ? null : next.toInstant(), rs.getInt(13), rs.getString(14), rs.getString(15));
  }

  private static Timestamp timestamp(Instant t) {
    return t == null ? null : Timestamp.from(t);
  }

  private static ObjectNode batch(JobBatch b) {
    ObjectNode o = JsonText.MAPPER.createObjectNode().put("type", b.type().name());
    return o.put("value", b.value());
  }

  private static JobBatch readBatch(String text) {
    if (text == null) {
      return null;
    }
    JsonNode n = JsonText.read(text);
    return new JobBatch(JobBatch.Measure.valueOf(n.path("type").asText()), n.path("value").asDouble());
  }

  private static ObjectNode threshold(CancellationThreshold t) {
    return JsonText.MAPPER.createObjectNode().put("type", t.type().name()).put("value", t.value())
        .put("batch", t.perBatch());
  }

  private static CancellationThreshold readThreshold(String text) {
    if (text == null) {
      return null;
    }
    JsonNode n = JsonText.read(text);
    return new CancellationThreshold(JobBatch.Measure.valueOf(n.path("type").asText()), n.path("value").asDouble(),
        n.path("batch").asBoolean());
  }

  private static ObjectNode schedule(JobSchedule s) {
    ObjectNode o = JsonText.MAPPER.createObjectNode().put("start", s.start().toString());
    if (s.recurrence() != null) {
      o.put("recurrence", s.recurrence().wire());
    }
    if (s.endDate() != null) {
      o.putObject("end").put("type", "date").put("date", s.endDate().toString());
    } else if (s.occurrences() != null) {
      o.putObject("end").put("type", "occurrences").put("occurrences", s.occurrences());
    }
    return o;
  }

  private static JobSchedule readSchedule(String text) {
    JsonNode n = JsonText.read(text);
    JsonNode end = n.path("end");
    String recurrence = n.path("recurrence").asText(null);
    return new JobSchedule(Instant.parse(n.path("start").asText()),
        recurrence == null ? null : JobSchedule.Recurrence.fromWire(recurrence).orElseThrow(),
        "date".equals(end.path("type").asText()) ? LocalDate.parse(end.path("date").asText()) : null,
        "occurrences".equals(end.path("type").asText()) ? end.path("occurrences").asInt() : null);
  }
}
