package io.flotilla.storage.sql;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background housekeeping of property-job rows ({@code desired_overlays}). A twin write folds and deletes a device's
 * rows, but a device that stays offline writes nothing, so every property job would leave it one row more for good.
 * Each {@link #step} reads the next window of rows in device order (wrapping around at the end), folds the devices
 * that have gathered more than {@code maxRowsPerDevice} rows into their twins (the fold a twin write does, under the
 * same row lock) and deletes the rows of devices that no longer exist. The stored desired state is the same before
 * and after; only where it is kept changes. A window is bounded, so a step costs the same whatever the table holds.
 */
public final class OverlayCompaction {
  /** Rows read per step: at most 1,250 devices folded in one transaction. */
  public static final int DEFAULT_WINDOW_ROWS = 5_000;
  /** A device is folded once it has more rows than this (a few property jobs in a row cost nothing here). */
  public static final int DEFAULT_MAX_ROWS_PER_DEVICE = 3;

  private static final Logger LOG = LoggerFactory.getLogger(OverlayCompaction.class);

  private final Database db;
  private final int windowRows;
  private final int maxRowsPerDevice;
  private volatile String cursor = "";
  private Future<Step> running = Future.succeededFuture();

  public OverlayCompaction(Database db) {
    this(db, DEFAULT_WINDOW_ROWS, DEFAULT_MAX_ROWS_PER_DEVICE);
  }

  public OverlayCompaction(Database db, int windowRows, int maxRowsPerDevice) {
    if (windowRows <= maxRowsPerDevice) {
      throw new IllegalArgumentException("a window must hold more rows than a device may keep");
    }
    this.db = db;
    this.windowRows = windowRows;
    this.maxRowsPerDevice = maxRowsPerDevice;
  }

  /** What one step did. */
  public record Step(int rowsRead, int devicesFolded, int orphansRemoved, boolean wrapped) {
  }

  /**
   * A step unless the last one is still running, for a periodic timer (call it from one thread, e.g. one event loop);
   * a failed step is logged and the next tick carries on from the same place.
   */
  public void tick() {
    if (!running.isComplete()) {
      return;
    }
    running = step();
    running.onFailure(e -> LOG.warn("Compacting property-job rows failed; the next tick retries", e));
  }

  /** Completes when no step is running (for a clean stop). */
  public Future<Void> idle() {
    return running.<Void>mapEmpty().otherwiseEmpty();
  }

  /**
   * Reads the next window and compacts it (one transaction; call it from one caller at a time). The next step reads
   * on from here only once this one committed.
   */
  public Future<Step> step() {
    String from = cursor;
    return db.transaction(c -> compact(c, from)).map(done -> {
      cursor = done.next();
      return done.step();
    });
  }

  /** A step and where the next one starts. */
  private record Outcome(Step step, String next) {
  }

  private Outcome compact(Connection c, String from) throws SQLException {
    Map<String, Integer> rows = window(c, from);
    int read = rows.values().stream().mapToInt(Integer::intValue).sum();
    boolean wrapped = read < windowRows;
    if (rows.isEmpty()) {
      return new Outcome(new Step(0, 0, 0, true), "");
    }
    String last = null;
    TreeSet<String> crowded = new TreeSet<>();
    for (Map.Entry<String, Integer> e : rows.entrySet()) {
      last = e.getKey();
      if (e.getValue() > maxRowsPerDevice) {
        crowded.add(e.getKey());
      }
    }
    // a window that ends inside a device's rows counts only some of them: unless that is already too many, the device
    // starts the next window
    String next = wrapped ? "" : crowded.contains(last) ? last : before(rows, last);
    List<String> orphans = orphans(c, rows.keySet().iterator().next(), last);
    int folded = 0;
    for (String id : crowded) {
      if (!orphans.contains(id) && fold(c, id)) {
        folded++;
      }
    }
    for (String id : orphans) {
      DesiredOverlays.removeAll(c, id);
    }
    return new Outcome(new Step(read, folded, orphans.size(), wrapped), next);
  }

  /** Row counts per device for the next {@code windowRows} rows after {@code after}, in device order. */
  private Map<String, Integer> window(Connection c, String after) throws SQLException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT device_id FROM desired_overlays WHERE device_id > ? "
        + "ORDER BY device_id, desired_version LIMIT ?")) {
      ps.setString(1, after);
      ps.setInt(2, windowRows);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.merge(rs.getString(1), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  /** The device before {@code last} in the window (so the next window re-reads {@code last} whole), or "" if none. */
  private static String before(Map<String, Integer> rows, String last) {
    String previous = "";
    for (String id : rows.keySet()) {
      if (id.equals(last)) {
        return previous;
      }
      previous = id;
    }
    return previous;
  }

  /** Devices in {@code [from, to]} that have rows but no longer exist. */
  private static List<String> orphans(Connection c, String from, String to) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT o.device_id FROM desired_overlays o "
        + "LEFT JOIN devices d ON d.id = o.device_id WHERE o.device_id >= ? AND o.device_id <= ? AND d.id IS NULL "
        + "ORDER BY o.device_id")) {
      ps.setString(1, from);
      ps.setString(2, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  /** Folds the device's rows into its twin, as a twin write does; false if the twin is gone. */
  private boolean fold(Connection c, String deviceId) throws SQLException {
    return TwinWrites.write(c, db.dialect(), deviceId, (twin, versions) -> twin).isPresent();
  }
}
