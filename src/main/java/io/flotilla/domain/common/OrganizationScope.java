package io.flotilla.domain.common;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which organizations a caller (or a job) reaches: the whole application, or the given organizations and all their
 * descendants. Resolved from an API token's role assignments at the edge and applied by the repositories as a
 * predicate over the organization tree; a job's own organizations limit the devices it touches the same way.
 * Resources without an organization belong to the root, which only a whole-application scope reaches.
 */
public record OrganizationScope(Set<String> roots) {
  public static final OrganizationScope WHOLE = new OrganizationScope(null);

  public OrganizationScope {
    roots = roots == null ? null : Set.copyOf(new TreeSet<>(roots));
  }

  /** The organizations {@code roots} and their descendants (empty: nothing at all). */
  public static OrganizationScope within(Collection<String> roots) {
    return new OrganizationScope(Set.copyOf(roots));
  }

  /** The scope of a resource's {@code organizations}: none (the root) reaches everything. */
  public static OrganizationScope of(List<String> organizations) {
    return organizations == null || organizations.isEmpty() ? WHOLE : within(organizations);
  }

  public boolean whole() {
    return roots == null;
  }

  /** The roots in a stable order (for SQL parameters); empty for the whole application. */
  public List<String> rootList() {
    return roots == null ? List.of() : List.copyOf(new TreeSet<>(roots));
  }

  /** The one organization a resource created in this scope goes to when it names none (empty: the root). */
  public Optional<String> home() {
    if (whole()) {
      return Optional.empty();
    }
    if (roots.size() != 1) {
      throw new FlotillaException.Invalid("\"organizations\" is required: the API token is assigned to several "
          + "organizations (" + String.join(", ", rootList()) + ").");
    }
    return Optional.of(roots.iterator().next());
  }

  /**
   * The organizations a resource created or replaced in this scope gets: those {@code requested}, or when none are
   * given its {@link #home} (the whole application: none given stays none, the root).
   */
  public List<String> assign(List<String> requested) {
    if (requested != null || whole()) {
      return requested;
    }
    return home().map(List::of).orElse(List.of());
  }

  /** Refuses a change that would move a resource out of a scoped caller's reach, to the root ({@code Invalid}). */
  public List<String> keepWithin(List<String> organizations) {
    if (!whole() && (organizations == null || organizations.isEmpty())) {
      throw new FlotillaException.Invalid("\"organizations\" must name an organization the API token is assigned "
          + "to (" + String.join(", ", rootList()) + ") or one below it.");
    }
    return organizations;
  }
}
