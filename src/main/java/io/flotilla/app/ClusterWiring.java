package io.flotilla.app;

import io.flotilla.cluster.ClusterNode;
import io.flotilla.cluster.ClusterSettings;
import io.flotilla.cluster.HubAllocation;
import io.flotilla.cluster.LocalSessions;
import io.flotilla.cluster.NodeCard;
import io.flotilla.cluster.Rendezvous;
import io.flotilla.domain.export.ExportService;
import io.flotilla.cluster.RoutedChannel;
import io.flotilla.cluster.Sessions;
import io.flotilla.domain.cluster.ClusterView;
import io.flotilla.domain.device.Device;
import io.flotilla.domain.device.DeviceChannel;
import io.flotilla.domain.device.DeviceListener;
import io.flotilla.domain.job.JobEngine;
import io.flotilla.gateway.mqtt.MqttDeviceChannel;
import io.flotilla.gateway.mqtt.MqttGateway;
import io.flotilla.sim.Simulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's parts of a node, or a node on its own: which channel reaches devices (routed over the event bus in a
 * cluster), who runs which simulated device (rendezvous hashing over the live members), what the node publishes
 * about itself (its card: sessions, host name, ports), how it learns of jobs and device changes made on other nodes,
 * and what {@code /api/cluster} and {@code /healthz} say.
 */
final class ClusterWiring implements ClusterView {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);
  private static final String DEVICE_CHANGES = "flotilla.devices.changed";

  private final ClusterNode node;
  private final ClusterSettings settings;
  private final Config config;
  private final Clock clock;
  private final Sessions sessions;
  private final List<Long> timers = new ArrayList<>();
  private MqttGateway gateway;
  private JobEngine engine;
  private int httpPort;
  private int mqttPort;
  /** The members running simulated devices: live, and started (their card is out); this one included. */
  private volatile Set<String> simulators = Set.of();

  private ClusterWiring(ClusterNode node, ClusterSettings settings, Config config, Clock clock) {
    this.node = node;
    this.settings = settings;
    this.config = config;
    this.clock = clock;
    this.sessions = node == null ? null : new Sessions(node);
  }

  /** Joins the cluster when {@code settings} say so (blocking); checks first that the database can be shared. */
  static ClusterNode join(ClusterSettings settings, Config config) {
    if (!settings.enabled()) {
      return null;
    }
    if (!config.effectiveDbUrl().startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--cluster needs PostgreSQL (--db-url jdbc:postgresql://host/db): the nodes "
          + "of a cluster share one database, and the embedded H2 database belongs to one process.");
    }
    ClusterNode node = ClusterNode.join(settings);
    try {
      refuseTakenName(node, config.nodeName());
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  static ClusterWiring of(ClusterNode node, ClusterSettings settings, Config config, Clock clock) {
    return new ClusterWiring(node, settings, config, clock);
  }

  boolean clustered() {
    return node != null;
  }

  /** The channel the domain uses: the gateway's own alone, routed through the cluster otherwise. */
  DeviceChannel channel(MqttGateway gateway) {
    this.gateway = gateway;
    if (node == null) {
      return gateway.channel();
    }
    MqttDeviceChannel here = gateway.channel();
    RoutedChannel routed = new RoutedChannel(node, sessions, new LocalSessions() {
      @Override
      public DeviceChannel channel() {
        return here;
      }

      @Override
      public boolean connected(String deviceId) {
        return here.connectedHere(deviceId);
      }

      @Override
      public boolean methodReady(String deviceId) {
        return here.methodReadyHere(deviceId);
      }

      @Override
      public boolean close(String deviceId, long session) {
        return here.closeSession(deviceId, session);
      }

      @Override
      public int count() {
        return gateway.sessionCount();
      }
    });
    Bootstrap.await(routed.start());
    gateway.directory(sessions);
    gateway.hubs(new HubAllocation(node));
    return routed;
  }

  /** Starts the node's side of the cluster once everything listens (blocking): its card, shares and discovery. */
  void start(Vertx vertx, JobEngine engine, Simulator simulator, ExportService exports, int httpPort,
             int mqttPort) {
    this.engine = engine;
    this.httpPort = httpPort;
    this.mqttPort = mqttPort;
    if (node == null) {
      return;
    }
    publishCard();
    Set<String> started = new java.util.HashSet<>(node.liveMembers());
    started.retainAll(Bootstrap.await(node.cards(node.liveMembers())).stream().map(NodeCard::memberId).toList());
    started.add(node.memberId());
    simulators = Set.copyOf(started);
    // each export destination is delivered by one node (the same rendezvous as simulated devices); the others'
    // messages reach it through the shared outbox, looked at every discovery interval (with the destinations)
    exports.deliverOnly(destinationId -> node.memberId().equals(Rendezvous.owner("export:" + destinationId,
        simulators)));
    long every = settings.discoveryInterval().toMillis();
    timers.add(vertx.setPeriodic(every, t -> {
      publishCard();
      exports.reload() // exports and destinations may have been changed on another node
          .onFailure(e -> LOG.warn("Reading export destinations failed: {}", e.toString()));
      engine.discover().onFailure(e -> LOG.warn("Looking for jobs of other nodes failed: {}", e.toString()));
      node.cards(node.liveMembers()).onSuccess(cards -> simulatorsAre(simulator,
          cards.stream().map(NodeCard::memberId).collect(java.util.stream.Collectors.toSet())));
    }));
    vertx.eventBus().<JsonObject>consumer(DEVICE_CHANGES, m -> simulator.refresh(m.body().getString("id"),
        m.body().getBoolean("restart", false)));
    Bootstrap.await(simulator.share(this::simulatesHere));
    // a member that leaves hands its simulated devices over at once; one that joins takes its share once its card
    // is out (it published it when it had started)
    node.onMemberLeft(member -> vertx.runOnContext(v -> {
      Set<String> left = new java.util.HashSet<>(simulators);
      left.remove(member);
      simulatorsAre(simulator, left);
    }));
  }

  /** The members that run simulated devices changed: each takes its share under rendezvous hashing. */
  private void simulatorsAre(Simulator simulator, Set<String> members) {
    Set<String> now = new java.util.HashSet<>(members);
    now.retainAll(node.liveMembers());
    now.add(node.memberId());
    if (now.equals(simulators)) {
      return;
    }
    simulators = Set.copyOf(now);
    LOG.info("Simulated devices shared over {} node(s)", now.size());
    simulator.share(this::simulatesHere).onFailure(e -> LOG.warn("Re-sharing simulated devices failed: {}",
        e.toString()));
  }

  private static void refuseTakenName(ClusterNode node, String name) {
    Set<String> others = node.liveMembers();
    others.remove(node.memberId());
    for (NodeCard card : Bootstrap.await(node.cards(others))) {
      if (card.nodeName().equals(name)) {
        throw new IllegalStateException("Another live node of the cluster is named \"" + name
            + "\" (member " + card.memberId() + "): give each node its own --node-name.");
      }
    }
  }

  private boolean simulatesHere(String deviceId) {
    return node.memberId().equals(Rendezvous.owner(deviceId, simulators));
  }

  private void publishCard() {
    node.publish(card());
  }

  private NodeCard card() {
    return new NodeCard(node == null ? "" : node.memberId(), config.nodeName(), config.hostName(), httpPort, mqttPort,
        gateway == null ? 0 : gateway.sessionCount(), clock.instant());
  }

  /** Device changes reach every node's simulator (the device may be another node's to simulate). */
  DeviceListener simulatorListener(Vertx vertx, Simulator simulator) {
    if (node == null) {
      return simulator;
    }
    return new DeviceListener() {
      @Override
      public void changed(Device before, Device after) {
        boolean restart = before != null && !Objects.equals(before.templateId(), after.templateId());
        vertx.eventBus().publish(DEVICE_CHANGES, new JsonObject().put("id", after.id()).put("restart", restart));
      }

      @Override
      public void deleted(String deviceId) {
        vertx.eventBus().publish(DEVICE_CHANGES, new JsonObject().put("id", deviceId));
      }
    };
  }

  @Override
  public Future<State> state() {
    Future<Map<String, Long>> leases = engine.leasedDevices();
    if (node == null) {
      return leases.map(l -> new State(false, config.nodeName(), null, List.of(member(card(), l, true))));
    }
    return Future.all(node.cards(node.liveMembers()), leases).map(all -> {
      List<NodeCard> cards = all.resultAt(0);
      Map<String, Long> held = all.resultAt(1);
      List<Member> members = new ArrayList<>();
      for (NodeCard c : cards) {
        members.add(member(c, held, c.memberId().equals(node.memberId())));
      }
      members.sort(java.util.Comparator.comparing(Member::nodeName));
      return new State(true, config.nodeName(), node.memberId(), members);
    });
  }

  private static Member member(NodeCard c, Map<String, Long> held, boolean self) {
    long leased = 0;
    for (var e : held.entrySet()) {
      if (e.getKey().startsWith(c.nodeName() + "#")) {
        leased += e.getValue();
      }
    }
    return new Member(c.memberId(), c.nodeName(), c.hostName(), c.httpPort(), c.mqttPort(), c.sessions(), leased,
        self);
  }

  @Override
  public State summary() {
    if (node == null) {
      return new State(false, config.nodeName(), null, List.of());
    }
    List<Member> members = new ArrayList<>();
    for (String id : node.liveMembers()) {
      members.add(new Member(id, id.equals(node.memberId()) ? config.nodeName() : "", "", 0, 0, 0, 0,
          id.equals(node.memberId())));
    }
    return new State(true, config.nodeName(), node.memberId(), members);
  }

  void stop(Vertx vertx) {
    timers.forEach(vertx::cancelTimer);
  }
}
