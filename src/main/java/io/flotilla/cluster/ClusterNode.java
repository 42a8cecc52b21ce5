package io.flotilla.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of the cluster: a Vert.x instance with a clustered event bus whose cluster manager is
 * Hazelcast, joined through an explicit TCP/IP member list. It knows the live members (by member id, which is also the
 * Vert.x node id) and tells listeners when one leaves or joins; the cluster's shared maps live here too.
 */
public final class ClusterNode {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  static final String CLUSTER_NAME = "flotilla";
  static final String CARDS = "flotilla.nodes";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final String memberId;
  private final List<Consumer<String>> leftListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

  private ClusterNode(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.memberId = hazelcast.getCluster().getLocalMember().getUuid().toString();
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        LOG.info("Cluster member joined: {} ({} members)", event.getMember().getAddress(), event.getMembers().size());
        changeListeners.forEach(Runnable::run);
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String id = event.getMember().getUuid().toString();
        LOG.warn("Cluster member left: {} ({} members)", event.getMember().getAddress(), event.getMembers().size());
        cards().removeAsync(id);
        leftListeners.forEach(l -> l.accept(id));
        changeListeners.forEach(Runnable::run);
      }
    });
  }

  /** Starts a clustered Vert.x and joins the cluster (blocking until joined). */
  public static ClusterNode join(ClusterSettings settings) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(settings));
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions().setHost(settings.host())
        .setPort(0));
    Vertx vertx = Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .toCompletionStage().toCompletableFuture().join();
    ClusterNode node = new ClusterNode(vertx, manager.getHazelcastInstance());
    LOG.info("Joined cluster \"{}\" as member {} at {}:{} ({} members)", CLUSTER_NAME, node.memberId, settings.host(),
        settings.port(), node.liveMembers().size());
    return node;
  }

  static Config hazelcastConfig(ClusterSettings settings) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(CLUSTER_NAME);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // a member killed outright is noticed within seconds (its leases expire later still: they decide, not this)
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.local.localAddress", settings.host());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = new ArrayList<>(settings.members());
    String self = settings.host() + ":" + settings.port();
    if (!members.contains(self)) {
      members.add(self);
    }
    join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(2);
    config.getMapConfig(CARDS).setBackupCount(1);
    // No near cache: routing must see a reconnect elsewhere at once, and near-cache invalidations may lag while
    // partitions move after a member dies; tried, it measured no gain (docs/benchmarks.md, "Cluster")
    config.getMapConfig(Sessions.MAP).setBackupCount(1);
    config.getMapConfig(HubAllocation.MAP).setBackupCount(1);
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** This node's member id (a UUID; also its Vert.x node id). */
  public String memberId() {
    return memberId;
  }

  /** The members alive now, as Hazelcast sees them, in join order. */
  public Set<String> liveMembers() {
    Set<String> ids = new LinkedHashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      ids.add(m.getUuid().toString());
    }
    return ids;
  }

  public boolean isLive(String member) {
    return liveMembers().contains(member);
  }

  /** Called (on a Hazelcast thread: return at once) with the member id of every member that leaves. */
  public void onMemberLeft(Consumer<String> listener) {
    leftListeners.add(listener);
  }

  /** Called (on a Hazelcast thread: return at once) whenever a member joins or leaves. */
  public void onMembersChanged(Runnable listener) {
    changeListeners.add(listener);
  }

  <K, V> IMap<K, V> map(String name) {
    return hazelcast.getMap(name);
  }

  IMap<String, String> cards() {
    return hazelcast.getMap(CARDS);
  }

  /** Publishes this node's card (asynchronously). */
  public void publish(NodeCard card) {
    cards().setAsync(memberId, card.toJson());
  }

  /** The cards of the live members (read on a worker thread). */
  public Future<List<NodeCard>> cards(Set<String> of) {
    return vertx.executeBlocking(() -> {
      List<NodeCard> out = new ArrayList<>();
      cards().getAll(of).values().forEach(json -> out.add(NodeCard.fromJson(json)));
      return out;
    }, false);
  }

  /** Leaves the cluster and closes Vert.x (blocking). */
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
