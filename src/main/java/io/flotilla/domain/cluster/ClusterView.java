package io.flotilla.domain.cluster;

import io.vertx.core.Future;
import java.util.List;

/** What a node knows of the cluster it belongs to (port; a node on its own is a cluster of one). */
public interface ClusterView {
  /**
   * A live node: its member id, node name (as in job leases), the host name devices connect to, ports, device sessions
   * and the job devices held under its live leases.
   */
  record Member(String memberId, String nodeName, String hostName, int httpPort, int mqttPort, int sessions,
                long leasedDevices, boolean self) {
  }

  record State(boolean clustered, String nodeName, String memberId, List<Member> members) {
  }

  /** The live members as their last cards say (fails with {@code Unavailable} when the cluster cannot be read). */
  Future<State> state();

  /** Cheap facts for health checks: whether clustered, this node's name and id, how many members it sees. */
  State summary();
}
