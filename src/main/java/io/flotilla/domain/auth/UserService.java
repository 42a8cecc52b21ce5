package io.flotilla.domain.auth;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.organization.OrganizationReferences;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Users and their role assignments, stored as IoT Central keeps them. A self-hosted server has no identity provider,
 * so users cannot sign in; API tokens are how clients authenticate.
 */
public final class UserService {
  /** Longest user id (reference §1.8) and email (RFC 5321's path limit). */
  public static final int MAX_ID = 48;
  public static final int MAX_EMAIL = 254;
  private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9_-]+$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s\"<>()\\[\\],;:]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$");
  private static final Pattern GUID = Pattern.compile(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private final UserRepository users;
  private final OrganizationReferences organizations;

  public UserService(UserRepository users, OrganizationReferences organizations) {
    this.users = users;
    this.organizations = organizations;
  }

  /** What a client sends; null fields are absent. {@code type} is the wire or legacy spelling. */
  public record Definition(String type, String email, String tenantId, String objectId, List<RoleAssignment> roles) {
  }

  /**
   * Creates or replaces a user. Fails with {@code Invalid} (bad id, unknown type, the type's fields missing or
   * malformed, no or too many role assignments, an unknown organization) or {@code Conflict} (another user has the
   * same email, or tenant and object id).
   */
  public Future<User> put(String id, Definition d) {
    checkId(id);
    User user = build(id, d);
    return checkOrganizations(user).compose(v -> users.write(id, current -> user));
  }

  /** Changes a stored user: {@code merge} turns it into the new definition, checked like a PUT. */
  public Future<User> patch(String id, List<RoleAssignment> givenRoles, Function<User, Definition> merge) {
    checkId(id);
    Future<Void> rolesChecked = givenRoles == null ? Future.succeededFuture()
        : checkOrganizations(givenRoles);
    return rolesChecked.compose(v -> users.write(id, current -> {
      User stored = current.orElseThrow(() -> notFound(id));
      return build(id, merge.apply(stored));
    }));
  }

  public Future<User> get(String id) {
    return users.find(id).map(u -> u.orElseThrow(() -> notFound(id)));
  }

  public Future<Page<User>> list(PageRequest page) {
    return users.list(page);
  }

  public Future<Void> delete(String id) {
    return users.delete(id).map(found -> {
      if (!found) {
        throw notFound(id);
      }
      return null;
    });
  }

  private Future<Void> checkOrganizations(User user) {
    return checkOrganizations(user.roles());
  }

  private Future<Void> checkOrganizations(List<RoleAssignment> roles) {
    return organizations.check(RoleAssignments.organizations(roles), OrganizationScope.WHOLE);
  }

  private static User build(String id, Definition d) {
    if (d.type() == null) {
      throw new FlotillaException.Invalid("\"type\" is required: email, servicePrincipal or adGroup.");
    }
    UserType type = UserType.of(d.type()).orElseThrow(() -> new FlotillaException.Invalid(
        "\"type\" must be email, servicePrincipal or adGroup."));
    RoleAssignments.check(d.roles());
    if (type == UserType.EMAIL) {
      if (d.email() == null || d.email().length() > MAX_EMAIL || !EMAIL.matcher(d.email()).matches()) {
        throw new FlotillaException.Invalid("\"email\" is required for an email user and must be an email address "
            + "of at most " + MAX_EMAIL + " characters.");
      }
      if (d.tenantId() != null || d.objectId() != null) {
        throw new FlotillaException.Invalid("An email user has no \"tenantId\" or \"objectId\".");
      }
      return new User(id, type, d.email(), null, null, List.copyOf(d.roles()));
    }
    for (String[] f : new String[][] {{"tenantId", d.tenantId()}, {"objectId", d.objectId()}}) {
      if (f[1] == null || !GUID.matcher(f[1]).matches()) {
        throw new FlotillaException.Invalid("\"" + f[0] + "\" is required for a " + type.wire()
            + " user and must be a GUID.");
      }
    }
    if (d.email() != null) {
      throw new FlotillaException.Invalid("A " + type.wire() + " user has no \"email\".");
    }
    return new User(id, type, null, d.tenantId().toLowerCase(java.util.Locale.ROOT),
        d.objectId().toLowerCase(java.util.Locale.ROOT), List.copyOf(d.roles()));
  }

  private static void checkId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID || !ID.matcher(id).matches()) {
      throw new FlotillaException.Invalid("User ids are letters, digits, '_' and '-', 1 to " + MAX_ID
          + " characters.");
    }
  }

  static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("User \"" + id + "\" not found.");
  }
}
