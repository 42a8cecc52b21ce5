package io.flotilla.domain.organization;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Every organization at one moment (at most {@link OrganizationService#MAX_ORGANIZATIONS}). */
public final class Hierarchy {
  private final Map<String, Organization> byId = new HashMap<>();

  public Hierarchy(Collection<Organization> organizations) {
    organizations.forEach(o -> byId.put(o.id(), o));
  }

  public Optional<Organization> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public int size() {
    return byId.size();
  }

  /** Levels from the root: a top-level organization has depth 1. */
  public int depth(String id) {
    int depth = 0;
    for (String at = id; at != null && depth <= byId.size(); at = byId.get(at).parent()) {
      depth++;
    }
    return depth;
  }

  /** How many levels hang below {@code id} (0 for a leaf). */
  public int height(String id) {
    int h = 0;
    for (Organization o : byId.values()) {
      if (isAncestor(id, o.id())) {
        h = Math.max(h, depth(o.id()) - depth(id));
      }
    }
    return h;
  }

  /** True when {@code ancestor} is {@code id} itself or above it. */
  public boolean isAncestor(String ancestor, String id) {
    int steps = 0;
    for (String at = id; at != null && steps <= byId.size(); at = byId.containsKey(at) ? byId.get(at).parent() : null) {
      if (at.equals(ancestor)) {
        return true;
      }
      steps++;
    }
    return false;
  }
}
