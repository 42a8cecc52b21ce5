package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.job.CancellationThreshold;
import io.flotilla.domain.job.Job;
import io.flotilla.domain.job.JobOptions;
import io.flotilla.domain.job.JobBatch;
import io.flotilla.domain.job.JobItem;
import io.flotilla.domain.job.JobType;
import io.flotilla.domain.job.JobProgress;
import io.flotilla.domain.job.JobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code jobs} row of a job: mapping both ways. */
final class JobRows {
  static final String COLUMNS = "id, display_name, description, group_id, kind, items, batch_type, batch_value, "
      + "cancel_type, cancel_value, cancel_per_batch, status, scheduled_job_id, rerun_of, organizations, created_at, "
      + "started_at, ended_at, total, completed, failed, batch_size, desired_version, failure, options, status_reason";

  private JobRows() {
  }

  /** Inserts the job with its number {@code no} (its rows' keys in {@code job_devices}, see {@link JobSpan}). */
  static void insert(Connection c, Job j, long no) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (" + COLUMNS + ", job_no) VALUES "
        + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, j.id());
      ps.setString(2, j.displayName());
      ps.setString(3, j.description());
      ps.setString(4, j.groupId());
      ps.setString(5, j.type().name());
      ps.setString(6, writeItems(j.items()));
      setMeasure(ps, 7, j.batch() == null ? null : j.batch().type(), j.batch() == null ? 0 : j.batch().value());
      CancellationThreshold t = j.cancellationThreshold();
      setMeasure(ps, 9, t == null ? null : t.type(), t == null ? 0 : t.value());
      if (t == null) {
        ps.setNull(11, Types.BOOLEAN);
      } else {
        ps.setBoolean(11, t.perBatch());
      }
      ps.setString(12, j.status().wire());
      ps.setString(13, j.scheduledJobId());
      ps.setString(14, j.rerunOf());
      ps.setString(15, Rows.joinOrgs(j.organizations()));
      ps.setTimestamp(16, Timestamp.from(j.created()));
      ps.setTimestamp(17, j.start() == null ? null : Timestamp.from(j.start()));
      ps.setTimestamp(18, j.end() == null ? null : Timestamp.from(j.end()));
      ps.setInt(19, j.progress().total());
      ps.setInt(20, j.progress().completed());
      ps.setInt(21, j.progress().failed());
      ps.setInt(22, j.batchSize());
      ps.setLong(23, j.desiredVersion());
      ps.setString(24, j.failure());
      ps.setString(25, writeOptions(j.options()));
      ps.setString(26, j.statusReason());
      ps.setLong(27, no);
      ps.executeUpdate();
    }
  }

  static Optional<Job> find(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  static List<Job> query(Connection c, String where, Object... params) throws SQLException {
    return Rows.query(c, "SELECT " + COLUMNS + " FROM jobs " + where, JobRows::row, params);
  }

  static Job row(ResultSet rs) throws SQLException {
    int total = rs.getInt(19);
    int completed = rs.getInt(20);
    int failed = rs.getInt(21);
    String cancelType = rs.getString(9);
    Boolean perBatch = rs.getObject(11) == null ? null : rs.getBoolean(11);
    return new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), JobType.valueOf(rs.getString(5)),
        readItems(rs.getString(6)), batch(rs.getString(7), rs.getDouble(8)),
        cancelType == null ? null : new CancellationThreshold(JobBatch.Measure.valueOf(cancelType), rs.getDouble(10),
            Boolean.TRUE.equals(perBatch)),
        JobStatus.fromWire(rs.getString(12)), rs.getString(13), Rows.splitOrgs(rs.getString(15)),
        instant(rs.getTimestamp(16)), instant(rs.getTimestamp(17)), instant(rs.getTimestamp(18)),
        new JobProgress(total, Math.max(0, total - completed - failed), completed, failed), rs.getInt(22),
        rs.getLong(23), rs.getString(24), rs.getString(14), readOptions(rs.getString(25)), rs.getString(26));
  }

  private static JobBatch batch(String type, double value) {
    return type == null ? null : new JobBatch(JobBatch.Measure.valueOf(type), value);
  }

  private static void setMeasure(PreparedStatement ps, int at, JobBatch.Measure type, double value) throws SQLException {
    if (type == null) {
      ps.setNull(at, Types.VARCHAR);
      ps.setNull(at + 1, Types.DOUBLE);
    } else {
      ps.setString(at, type.name());
      ps.setDouble(at + 1, value);
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  /** The extension fields as their API JSON (null when none is set). */
  static String writeOptions(JobOptions options) {
    if (options == null || options.isNone()) {
      return null;
    }
    ObjectNode o = JsonText.MAPPER.createObjectNode();
    options.toJson(o);
    if (options.until() != null) {
      o.put("end", options.until().toString());
    }
    return JsonText.write(o);
  }

  static JobOptions readOptions(String text) {
    return text == null ? JobOptions.NONE : JobOptions.fromJson((ObjectNode) JsonText.read(text));
  }

  static String writeItems(List<JobItem> items) {
    return JsonText.write(JobItem.toJson(items));
  }

  static List<JobItem> readItems(String text) {
    List<JobItem> out = new ArrayList<>();
    for (JsonNode n : JsonText.read(text)) {
      out.add(new JobItem(n.path("type").asText(), text(n, "target"), text(n, "path"), n.get("value"),
          text(n, "template")));
    }
    return out;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
