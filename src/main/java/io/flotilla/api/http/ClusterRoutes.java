package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.domain.auth.Permission;
import io.flotilla.domain.cluster.ClusterView;
import io.vertx.core.http.HttpMethod;

/** {@code /cluster}: the nodes of the cluster, their sessions and leases (a Flotilla extension; administrators only). */
public final class ClusterRoutes implements ResourceRoutes {
  private final ClusterView cluster;

  public ClusterRoutes(ClusterView cluster) {
    this.cluster = cluster;
  }

  @Override
  public void register(RouteTable t) {
    t.add(HttpMethod.GET, "/api/cluster", Permission.ADMINISTER, "Cluster_Get", 200,
        "The cluster's live nodes with their device sessions and the job devices under their leases "
            + "(a Flotilla extension)",
        call -> cluster.state().map(s -> Reply.ok(dto(s))));
  }

  static ObjectNode dto(ClusterView.State s) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("clustered", s.clustered());
    o.put("node", s.nodeName());
    o.put("memberId", s.memberId());
    ArrayNode members = o.putArray("members");
    for (ClusterView.Member m : s.members()) {
      members.addObject().put("memberId", m.memberId()).put("node", m.nodeName()).put("hostName", m.hostName())
          .put("httpPort", m.httpPort()).put("mqttPort", m.mqttPort()).put("sessions", m.sessions())
          .put("leasedDevices", m.leasedDevices()).put("self", m.self());
    }
    return o;
  }
}
