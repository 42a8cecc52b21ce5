package io.flotilla.cluster;

import com.hazelcast.map.IMap;
import io.flotilla.domain.provisioning.HubAssignment;
import io.vertx.core.Future;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DPS allocation over the cluster's nodes, IoT Hub's "evenly weighted distribution": a device is assigned the live
 * node with the fewest sessions (counting the devices this node assigned it since its last card), and keeps the node
 * it was assigned before (by node name, so a restarted node keeps its devices) unless that node is gone.
 */
public final class HubAllocation implements HubAssignment {
  static final String MAP = "flotilla.hubs";

  private final ClusterNode node;
  private final IMap<String, String> assigned;
  private final Map<String, Integer> assignedSinceCard = new ConcurrentHashMap<>();

  public HubAllocation(ClusterNode node) {
    this.node = node;
    this.assigned = node.map(MAP);
  }

  @Override
  public Future<String> hubFor(String deviceId) {
    return node.cards(node.liveMembers()).compose(cards -> Futures.of(assigned.getAsync(deviceId)).compose(name -> {
      Optional<NodeCard> kept = name == null ? Optional.empty()
          : cards.stream().filter(c -> c.nodeName().equals(name)).findFirst();
      if (kept.isPresent()) {
        return Future.succeededFuture(kept.get().hostName());
      }
      assignedSinceCard.keySet().removeIf(k -> cards.stream().noneMatch(c -> k.equals(c.memberId() + "@"
          + c.updated())));
      NodeCard least = least(cards);
      if (least == null) {
        return Future.failedFuture(new IllegalStateException("no live node has published its card yet"));
      }
      assignedSinceCard.merge(least.memberId() + "@" + least.updated(), 1, Integer::sum);
      return Futures.of(assigned.setAsync(deviceId, least.nodeName())).map(v -> least.hostName());
    }));
  }

  private NodeCard least(List<NodeCard> cards) {
    return cards.stream().min(Comparator.comparingInt((NodeCard c) -> c.sessions()
        + assignedSinceCard.getOrDefault(c.memberId() + "@" + c.updated(), 0)).thenComparing(NodeCard::nodeName))
        .orElse(null);
  }
}
