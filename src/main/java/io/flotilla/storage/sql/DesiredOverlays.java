package io.flotilla.storage.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.device.Twin;
import io.flotilla.domain.job.DesiredPatch;
import io.flotilla.domain.job.DeviceJobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Property-job rows are part of the device's desired state: they are applied in version order on every read, property
 * by property (a property keeps a newer value it already has), and written into {@code device_twins} with the next
 * twin write (the fold), which also deletes the rows it folded. Every row of the device above the version its twin was
 * created at is considered, not only those above the twin's current version: a job whose transaction took its version
 * before a concurrent write but committed after it still lands.
 *
 * <p>Storage (V8): one {@code overlay_versions} row per version a property job applied (its job and time), and one
 * {@code desired_overlays} row per device, indexed by (version, device), so a job appends its rows after all others.
 * A read probes each outstanding version for the device; {@link OverlayCompaction} keeps those versions few.
 */
final class DesiredOverlays {
  private DesiredOverlays() {
  }

  /**
   * Makes every completed row of a job applied whole (its rows were all written in this transaction) its device's
   * desired state at {@code version}; answers how many devices that is.
   */
  static int addJob(Connection c, JobSpan span, long version, Instant now) throws SQLException {
    return add(c, span, version, now, "status = " + DeviceJobStatus.COMPLETED.code(), span.first(), span.last());
  }

  /**
   * Makes the rows of a job's range that {@code version} completed (they carry it) their devices' desired state;
   * answers how many devices that is.
   */
  static int addRange(Connection c, JobSpan span, long from, long to, long version, Instant now) throws SQLException {
    return add(c, span, version, now, "desired_version = " + version, span.key(from), span.key(to));
  }

  private static int add(Connection c, JobSpan span, long version, Instant now, String rows, long fromKey, long toKey)
      throws SQLException {
    int added;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO desired_overlays (desired_version, device_id) "
        + "SELECT ?, device_id FROM job_devices WHERE k BETWEEN ? AND ? AND " + rows)) {
      ps.setLong(1, version);
      ps.setLong(2, fromKey);
      ps.setLong(3, toKey);
      added = ps.executeUpdate();
    }
    if (added > 0) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO overlay_versions (desired_version, job_id, "
          + "updated_at) VALUES (?, ?, ?)")) {
        ps.setLong(1, version);
        ps.setString(2, span.jobId());
        ps.setTimestamp(3, Timestamp.from(now));
        ps.executeUpdate();
      }
    }
    return added;
  }

  /** One outstanding version that has a row for the device: the job's patch, its version and time. */
  record Overlay(long version, ObjectNode patch, String at) {
  }

  /**
   * The device's rows, oldest first: every outstanding version that has one (those at or below a twin's baseline
   * included: {@link #apply} skips them). Read them before the twin when not holding its row lock: a fold committed
   * in between is then in both, and applying a version twice changes nothing, where the other order could miss it.
   */
  static List<Overlay> rows(Connection c, String deviceId) throws SQLException {
    return Rows.query(c, "SELECT v.desired_version, j.items, v.updated_at "
        + "FROM overlay_versions v JOIN jobs j ON j.id = v.job_id WHERE EXISTS "
        + "(SELECT 1 FROM desired_overlays o WHERE o.desired_version = v.desired_version AND o.device_id = ?) "
        + "ORDER BY v.desired_version", rs -> {
          Timestamp at = rs.getTimestamp(3);
          return new Overlay(rs.getLong(1), patch(rs.getString(2)), at == null ? "" : at.toInstant().toString());
        }, deviceId);
  }

  /**
   * Applies the rows above the twin's baseline in version order, adding the version of every row (those it skipped
   * too: they predate the twin) to {@code read} (when given).
   */
  static Twin apply(Twin twin, List<Overlay> rows, List<Long> read) {
    Twin result = twin;
    for (Overlay o : rows) {
      if (read != null) {
        read.add(o.version());
      }
      if (o.version() > twin.baseline()) {
        result = result.withDesiredPatch(o.patch(), o.version(), o.at());
      }
    }
    return result;
  }

  /** Reads and applies the device's rows (under the twin's row lock, or where a stale read is harmless). */
  static Twin fold(Connection c, String deviceId, Twin twin, List<Long> read) throws SQLException {
    return apply(twin, rows(c, deviceId), read);
  }

  /** Deletes the device's rows of these versions (those a fold read, once the twin it made is stored). */
  static void prune(Connection c, String deviceId, List<Long> versions) throws SQLException {
    if (versions.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM desired_overlays WHERE desired_version = ? AND device_id = ?")) {
      for (long version : versions) {
        ps.setLong(1, version);
        ps.setString(2, deviceId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Deletes every row of the device (it is being deleted, or no longer exists), version by version. */
  static void removeAll(Connection c, String deviceId) throws SQLException {
    prune(c, deviceId, versions(c, Integer.MAX_VALUE));
  }

  /** The outstanding versions, oldest first, at most {@code limit}. */
  static List<Long> versions(Connection c, int limit) throws SQLException {
    return Rows.query(c, "SELECT desired_version FROM overlay_versions ORDER BY desired_version LIMIT ?",
        rs -> rs.getLong(1), limit);
  }

  private static final Map<String, ObjectNode> PATCHES = new ConcurrentHashMap<>();

  /** A job's desired patch, parsed once per distinct items document (a job's items never change). */
  private static ObjectNode patch(String items) {
    if (PATCHES.size() > 1_000) {
      PATCHES.clear();
    }
    return PATCHES.computeIfAbsent(items, i -> DesiredPatch.of(JobRows.readItems(i)));
  }
}
