package io.flotilla.cluster;

import java.time.Duration;
import java.util.List;

/**
 * How a node joins the cluster ({@code serve --cluster}): the address its cluster manager and event bus listen on, and
 * the TCP/IP member list it joins (no multicast). {@link #OFF} is a node on its own: nothing of the cluster starts.
 *
 * @param host the address other members reach this node on (Hazelcast and the event bus bind it)
 * @param port Hazelcast's port (the event bus takes a free port on the same host)
 * @param members other members as {@code host:port} (this node's own entry may be listed too)
 * @param discoveryInterval how often a node looks for jobs created or changed on other nodes, and publishes its card
 * @param lease how long a job lease lasts unrenewed: a dead node's work is taken over this long after it died
 */
public record ClusterSettings(boolean enabled, String host, int port, List<String> members,
                              Duration discoveryInterval, Duration lease) {
  public static final int DEFAULT_PORT = 5701;
  public static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);
  public static final ClusterSettings OFF = new ClusterSettings(false, "127.0.0.1", DEFAULT_PORT, List.of(),
      DEFAULT_DISCOVERY_INTERVAL, DEFAULT_LEASE);

  public ClusterSettings {
    members = List.copyOf(members);
  }

  public static ClusterSettings on(String host, int port, List<String> members) {
    return new ClusterSettings(true, host, port, members, DEFAULT_DISCOVERY_INTERVAL, DEFAULT_LEASE);
  }

  public ClusterSettings withLease(Duration lease) {
    return new ClusterSettings(enabled, host, port, members, discoveryInterval, lease);
  }
}
