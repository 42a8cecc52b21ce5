package io.flotilla.storage.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A job's rows in {@code job_devices}: keys {@code base + seq} for positions 1 .. 2^32 - 1, where {@code base} is the
 * job's number × 2^32 (V7). Range conditions on the one BIGINT key replace {@code job_id = ? AND seq ...}.
 */
record JobSpan(String jobId, long base) {
  static final long SIZE = 1L << 32;
  /** A span no row is in: for a job that does not exist. */
  private static final long NOWHERE = Long.MIN_VALUE / 2;

  long key(long seq) {
    return base + seq;
  }

  /** The position of a row's key. */
  long seq(long key) {
    return key - base;
  }

  /** The job's number. */
  long no() {
    return Math.floorDiv(base, SIZE);
  }

  long first() {
    return base + 1;
  }

  long last() {
    return base + SIZE - 1;
  }

  /** Job numbers by job id (a job's number never changes and job ids are never reused), per database. */
  static final class Numbers {
    private static final Map<Database, Numbers> BY_DATABASE = java.util.Collections.synchronizedMap(
        new java.util.WeakHashMap<>());
    private final Map<String, Long> known = new ConcurrentHashMap<>();

    /** The one cache of a database (its repositories share it). */
    static Numbers of(Database db) {
      return BY_DATABASE.computeIfAbsent(db, d -> new Numbers());
    }

    JobSpan of(Connection c, String jobId) throws SQLException {
      Long no = known.get(jobId);
      if (no == null) {
        try (PreparedStatement ps = c.prepareStatement("SELECT job_no FROM jobs WHERE id = ?")) {
          ps.setString(1, jobId);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return new JobSpan(jobId, NOWHERE);
            }
            no = rs.getLong(1);
          }
        }
        known.put(jobId, no);
      }
      return new JobSpan(jobId, no * SIZE);
    }

    void remember(String jobId, long no) {
      known.put(jobId, no);
    }
  }
}
