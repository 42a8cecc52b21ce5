package io.flotilla.domain.job;

import java.time.Duration;
import java.util.UUID;

/**
 * The engine's identity in leases: a node name (one engine process per name at a time) and this process's instance.
 * Leases of an earlier instance of the same node are its own from before a restart and are recovered at once; other
 * nodes' leases only once they expired.
 */
public record EngineNode(String name, String holder, Duration lease) {
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);

  public static EngineNode start(String name, Duration lease) {
    if (name.contains("#")) {
      throw new IllegalArgumentException("A node name may not contain '#': " + name);
    }
    return new EngineNode(name, name + "#" + UUID.randomUUID(), lease);
  }

  /** Whether {@code otherHolder} is an earlier (or later) instance of this node. */
  public boolean sameNode(String otherHolder) {
    return otherHolder.startsWith(name + "#");
  }
}
