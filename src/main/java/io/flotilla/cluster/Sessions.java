package io.flotilla.cluster;

import com.hazelcast.map.IMap;
import io.flotilla.domain.device.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's session directory: a Hazelcast map from device id to {@code memberId/session} of the node holding its
 * newest session (one backup copy, so it outlives the loss of a member). A session opening overwrites the entry in one
 * atomic step; when that replaced a session on another live node, that node is told to close it (IoT Hub's rule: the
 * newest connection wins). Entries naming a member that is gone count as absent, so nothing has to be cleaned up
 * for a node to die; closed sessions remove their own entry (batched, off the event loop).
 */
public final class Sessions implements SessionDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
  static final String MAP = "flotilla.sessions";
  private static final long CLOSE_FLUSH_MILLIS = 200;

  /** Where a device's session lives. */
  record Entry(String member, long session) {
    static Entry parse(String value) {
      int slash = value.lastIndexOf('/');
      return new Entry(value.substring(0, slash), Long.parseLong(value.substring(slash + 1)));
    }

    String value() {
      return member + "/" + session;
    }
  }

  /** Tells another node to close a session it holds. */
  interface Closer {
    void close(String member, String deviceId, long session);
  }

  private final ClusterNode node;
  private final IMap<String, String> map;
  private final Queue<Map.Entry<String, String>> closed = new ConcurrentLinkedQueue<>();
  private volatile Closer closer = (m, d, s) -> { };

  public Sessions(ClusterNode node) {
    this.node = node;
    this.map = node.map(MAP);
    Vertx vertx = node.vertx();
    vertx.setPeriodic(CLOSE_FLUSH_MILLIS, t -> {
      if (!closed.isEmpty()) {
        vertx.executeBlocking(this::forgetClosed, false);
      }
    });
  }

  void closer(Closer closer) {
    this.closer = closer;
  }

  @Override
  public void opened(String deviceId, long session) {
    Entry mine = new Entry(node.memberId(), session);
    map.putAsync(deviceId, mine.value()).whenComplete((previous, error) -> {
      if (error != null) {
        LOG.warn("Session directory: recording device {} failed: {}", deviceId, error.toString());
        return;
      }
      if (previous != null) {
        Entry was = Entry.parse(previous);
        if (!was.member().equals(node.memberId()) && node.isLive(was.member())) {
          closer.close(was.member(), deviceId, was.session());
        }
      }
    });
  }

  @Override
  public void closed(String deviceId, long session) {
    closed.add(Map.entry(deviceId, new Entry(node.memberId(), session).value()));
  }

  private int forgetClosed() {
    int n = 0;
    Map.Entry<String, String> e;
    while ((e = closed.poll()) != null) {
      map.remove(e.getKey(), e.getValue()); // only if no newer session replaced it
      n++;
    }
    return n;
  }

  /** The live member holding the device's session, or null. */
  public Future<String> ownerOf(String deviceId) {
    Set<String> live = node.liveMembers();
    return Futures.of(map.getAsync(deviceId)).map(value -> {
      if (value == null) {
        return null;
      }
      String member = Entry.parse(value).member();
      return live.contains(member) ? member : null;
    });
  }

  /** The live member of each device that has one (read in one call, on a worker thread). */
  public Future<Map<String, List<String>>> byOwner(Collection<String> deviceIds) {
    Set<String> live = node.liveMembers();
    Set<String> keys = new HashSet<>(deviceIds);
    return node.vertx().executeBlocking(() -> {
      Map<String, List<String>> out = new HashMap<>();
      map.getAll(keys).forEach((id, value) -> {
        String member = Entry.parse(value).member();
        if (live.contains(member)) {
          out.computeIfAbsent(member, m -> new ArrayList<>()).add(id);
        }
      });
      return out;
    }, false);
  }

  /** Sessions recorded for each live member (an estimate: read from the map's local and backup view). */
  public int size() {
    return map.size();
  }
}
