package io.flotilla.storage.sql;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background housekeeping of property-job rows ({@code desired_overlays}, see {@link DesiredOverlays}). A twin write
 * folds and deletes a device's rows, but a device that stays offline writes nothing, so every property job would leave
 * it one row more for good, and every twin read probes one version more. Once more than {@code maxVersions} versions
 * are outstanding, each {@link #step} takes up to {@code windowDevices} devices of the oldest ones (in version, then
 * device order, going on from where the last step stopped) and folds each into its twin (the fold a twin write does,
 * under the same row lock: all of the device's versions at once), or deletes the version's row of a device that no
 * longer exists. A version whose end a step reaches is retired (with any row no fold took: a device re-created after
 * the job), and the step goes on with the next oldest while it has room: a batched job's many small versions go a
 * window at a time. A step reads its devices first and folds them in the order twin writes lock twins, so it never
 * waits on a batch of twin writes that waits on it. The stored desired state is the same before and after; only
 * where it is kept changes. A step is bounded, so it costs the same whatever the tables hold.
 */
public final class OverlayCompaction {
  /** Rows read per step (one transaction), so at most this many devices folded. */
  public static final int DEFAULT_WINDOW_DEVICES = 2_000;
  /**
   * Versions kept before the oldest is folded: a twin read probes each (cheap), and a device is folded once per this
   * many property jobs (a fold is a twin write).
   */
  public static final int DEFAULT_MAX_VERSIONS = 8;

  private static final Logger LOG = LoggerFactory.getLogger(OverlayCompaction.class);

  private final Database db;
  private final int windowDevices;
  private final int maxVersions;
  private volatile Position position = Position.START;
  private Future<Step> running = Future.succeededFuture();

  public OverlayCompaction(Database db) {
    this(db, DEFAULT_WINDOW_DEVICES, DEFAULT_MAX_VERSIONS);
  }

  public OverlayCompaction(Database db, int windowDevices, int maxVersions) {
    if (windowDevices < 1 || maxVersions < 0) {
      throw new IllegalArgumentException("a step folds at least one device; versions kept cannot be negative");
    }
    this.db = db;
    this.windowDevices = windowDevices;
    this.maxVersions = maxVersions;
  }

  /**
   * What one step did: rows read from the oldest versions, devices folded and removed as gone (each once, however many
   * of those versions it had rows in), and versions retired.
   */
  public record Step(int rowsRead, int devicesFolded, int orphansRemoved, int versionsRetired) {
    public static final Step NOTHING_DONE = new Step(0, 0, 0, 0);
  }

  /** Where the next step starts: after {@code device} in {@code version}. */
  private record Position(long version, String device) {
    static final Position START = new Position(0, "");
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
   * Compacts the next window (one transaction; call it from one caller at a time). The next step goes on from here
   * only once this one committed.
   */
  public Future<Step> step() {
    Position from = position;
    return db.transaction(c -> compact(c, from)).map(done -> {
      position = done.next();
      return done.step();
    });
  }

  /** A step and where the next one starts. */
  private record Outcome(Step step, Position next) {
  }

  private Outcome compact(Connection c, Position from) throws SQLException {
    // every version handled costs at least one unit of the window, so a step is bounded however small they are
    List<Long> versions = DesiredOverlays.versions(c, maxVersions + windowDevices);
    int budget = windowDevices;
    int read = 0;
    List<Long> finished = new ArrayList<>();
    // the devices of the step, with the versions they were read in, in the order twin writes lock twins (TwinWrites)
    Map<String, List<Long>> devices = new TreeMap<>();
    Position next = Position.START;
    while (versions.size() - finished.size() > maxVersions && budget > 0) {
      long oldest = versions.get(finished.size());
      String after = from.version() == oldest ? from.device() : "";
      List<String> window = window(c, oldest, after, budget);
      for (String id : window) {
        devices.computeIfAbsent(id, k -> new ArrayList<>()).add(oldest);
      }
      read += window.size();
      if (window.size() == budget) {
        next = new Position(oldest, window.get(window.size() - 1));
        break;
      }
      finished.add(oldest);
      budget -= Math.max(1, window.size());
    }
    int folded = 0;
    int orphans = 0;
    for (Map.Entry<String, List<Long>> d : devices.entrySet()) {
      if (TwinWrites.write(c, db.dialect(), d.getKey(), (twin, versionSource) -> twin).isPresent()) {
        folded++;
      } else {
        DesiredOverlays.prune(c, d.getKey(), d.getValue()); // gone (its other versions: when they are the oldest)
        orphans++;
      }
    }
    for (long version : finished) {
      retire(c, version);
    }
    return new Outcome(new Step(read, folded, orphans, finished.size()), next);
  }

  /** The next {@code limit} devices of {@code version} after {@code after}, in device order. */
  private static List<String> window(Connection c, long version, String after, int limit) throws SQLException {
    return Rows.query(c, "SELECT device_id FROM desired_overlays WHERE desired_version = ? AND device_id > ? "
        + "ORDER BY desired_version, device_id LIMIT ?", rs -> rs.getString(1), version, after, limit);
  }

  /** Deletes a version every device of which was folded or removed, with any row no fold took. */
  private static void retire(Connection c, long version) throws SQLException {
    try (PreparedStatement rows = c.prepareStatement("DELETE FROM desired_overlays WHERE desired_version = ?");
         PreparedStatement head = c.prepareStatement("DELETE FROM overlay_versions WHERE desired_version = ?")) {
      rows.setLong(1, version);
      rows.executeUpdate();
      head.setLong(1, version);
      head.executeUpdate();
    }
  }
}
