package io.flotilla.domain.organization;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The organization hierarchy (reference §7.4): create, move, rename, remove; and the check of references to it. */
public final class OrganizationService implements OrganizationReferences {
  /** IoT Central's limits: 200 organizations, 5 levels below the root. */
  public static final int MAX_ORGANIZATIONS = 200;
  public static final int MAX_DEPTH = 5;

  private final OrganizationRepository organizations;

  public OrganizationService(OrganizationRepository organizations) {
    this.organizations = organizations;
  }

  /** What a client may set on an organization; null fields are absent. */
  public record Definition(String displayName, String parent) {
  }

  /**
   * Creates or replaces. Fails with {@code Invalid}: bad id, no {@code displayName}, unknown parent, a parent that is
   * the organization itself or below it, more than {@value #MAX_DEPTH} levels, more than {@value #MAX_ORGANIZATIONS}
   * organizations.
   */
  public Future<Organization> put(String id, Definition d) {
    checkId(id);
    checkFields(d);
    return organizations.write(h -> placed(h, id, d, true));
  }

  /**
   * Changes a stored organization: {@code merge} turns it into the new definition (the edge applies the JSON merge
   * patch), checked like a PUT in the same transaction. Fails with {@code NotFound}, or as {@link #put}.
   */
  public Future<Organization> patch(String id, Function<Organization, Definition> merge) {
    checkId(id);
    return organizations.write(h -> {
      Organization current = h.find(id).orElseThrow(() -> notFound(id));
      Definition d = merge.apply(current);
      checkFields(d);
      return placed(h, id, d, false);
    });
  }

  public Future<Organization> get(String id) {
    return organizations.find(id).map(o -> o.orElseThrow(() -> notFound(id)));
  }

  /** Whether the application has any organization (the organization roles are listed from then on). */
  public Future<Boolean> any() {
    return organizations.list(OrganizationScope.WHOLE, PageRequest.first(1)).map(p -> !p.items().isEmpty());
  }

  public Future<Page<Organization>> list(OrganizationScope scope, PageRequest page) {
    return organizations.list(scope, page);
  }

  /**
   * Removes an organization. As in IoT Central, everything that belongs to it must be deleted or moved first:
   * sub-organizations, devices, device groups, scheduled jobs, jobs not yet finished, users and API tokens assigned to
   * it ({@code Conflict} naming them). Fails with {@code NotFound}.
   */
  public Future<Void> delete(String id) {
    return organizations.delete(id).map(r -> {
      if (!r.found()) {
        throw notFound(id);
      }
      if (!r.blockers().isEmpty()) {
        throw new FlotillaException.Conflict("Organization \"" + id + "\" still has " + String.join(", ",
            r.blockers()) + "; delete them or move them to another organization first.");
      }
      return null;
    });
  }

  @Override
  public Future<Void> check(List<String> ids, OrganizationScope scope) {
    if (ids == null) {
      return Future.succeededFuture();
    }
    Limits.organizations("organizations", ids);
    if (scope.keepWithin(ids).isEmpty()) {
      return Future.succeededFuture();
    }
    return organizations.reachable(ids, scope).map(found -> {
      Set<String> missing = new TreeSet<>(ids);
      missing.removeAll(found);
      if (!missing.isEmpty()) {
        throw new FlotillaException.Invalid("Organization \"" + missing.iterator().next() + "\" does not exist"
            + (scope.whole() ? "." : " among the organizations the API token reaches.")
            + " GET /api/organizations lists them.");
      }
      return null;
    });
  }

  @Override
  public Future<Boolean> reaches(List<String> ids, OrganizationScope scope) {
    if (scope.whole()) {
      return Future.succeededFuture(true);
    }
    if (ids == null || ids.isEmpty()) {
      return Future.succeededFuture(false);
    }
    return organizations.reachable(ids, scope).map(found -> found.containsAll(ids));
  }

  private static Organization placed(Hierarchy h, String id, Definition d, boolean mayCreate) {
    boolean exists = h.find(id).isPresent();
    if (!exists && !mayCreate) {
      throw notFound(id);
    }
    if (!exists && h.size() >= MAX_ORGANIZATIONS) {
      throw new FlotillaException.Invalid("An application has at most " + MAX_ORGANIZATIONS + " organizations.");
    }
    String parent = d.parent();
    if (parent != null) {
      if (h.find(parent).isEmpty()) {
        throw new FlotillaException.Invalid("\"parent\": organization \"" + parent + "\" does not exist.");
      }
      if (exists && h.isAncestor(id, parent)) {
        throw new FlotillaException.Invalid("\"parent\": organization \"" + parent + "\" is \"" + id
            + "\" itself or below it.");
      }
    }
    int depth = (parent == null ? 0 : h.depth(parent)) + 1 + (exists ? h.height(id) : 0);
    if (depth > MAX_DEPTH) {
      throw new FlotillaException.Invalid("\"parent\": organizations nest at most " + MAX_DEPTH + " levels deep; "
          + "this would make " + depth + ".");
    }
    return new Organization(id, d.displayName(), parent);
  }

  private static void checkId(String id) {
    if (id == null || id.length() > Limits.ORGANIZATION || !id.matches("^(?!-)[a-z0-9-]{0,47}[a-z0-9]$")) {
      throw new FlotillaException.Invalid("Organization ids are lower-case letters, digits and '-' (not first or "
          + "last), 1 to " + Limits.ORGANIZATION + " characters.");
    }
  }

  private static void checkFields(Definition d) {
    if (d.displayName() == null || d.displayName().isBlank()) {
      throw new FlotillaException.Invalid("\"displayName\" is required and must be a non-empty string.");
    }
    Limits.text("displayName", d.displayName(), Limits.DISPLAY_NAME);
    if (d.parent() != null) {
      Limits.organization("parent", d.parent());
    }
  }

  static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("Organization \"" + id + "\" not found.");
  }
}
