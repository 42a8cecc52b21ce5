package io.flotilla.domain.group;

import io.flotilla.domain.common.CreateOrReplace;
import io.flotilla.domain.common.Etags;
import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.common.ListField;
import io.flotilla.domain.common.ListQuery;
import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.flotilla.domain.group.filter.DeviceFilter;
import io.flotilla.domain.group.filter.FilterParser;
import io.flotilla.domain.template.DeviceTemplate;
import io.flotilla.domain.template.TemplateListener;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.organization.OrganizationReferences;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Device groups: create, change, remove; and a published template's default group (as its {@link TemplateListener}).
 * Their members are listed by {@code GroupMembers}.
 */
public final class GroupService implements TemplateListener {
  public static final String DEFAULT_DESCRIPTION =
      "Default device group containing all the devices for this device template.";


  private final GroupRepository groups;
  private final OrganizationReferences organizations;

  public GroupService(GroupRepository groups) {
    this(groups, OrganizationReferences.FORM_ONLY);
  }

  /** @param organizations checks the organizations a group is given */
  public GroupService(GroupRepository groups, OrganizationReferences organizations) {
    this.groups = groups;
    this.organizations = organizations;
  }

  /** What a client may set on a group; null fields are absent. */
  public record Definition(String displayName, String description, String filter, List<String> organizations,
                           String etag) {
  }

  /**
   * Creates or replaces (a replace is one atomic update of the stored group); fails with {@code Invalid} (bad id,
   * missing name, filter error with its position) or {@code PreconditionFailed} (stale etag).
   */
  public Future<DeviceGroup> put(String id, Definition d) {
    return put(id, d, OrganizationScope.WHOLE);
  }

  /**
   * As {@link #put(String, Definition)} by a caller that reaches {@code scope}: the group's organizations must be
   * ones it reaches ({@code Invalid}); none given puts the group in the caller's organization.
   */
  public Future<DeviceGroup> put(String id, Definition given, OrganizationScope scope) {
    Ids.groupOrJobId("device group id", id);
    Definition d = new Definition(given.displayName(), given.description(), given.filter(),
        scope.assign(given.organizations()), given.etag());
    build(id, d); // every check before anything is read
    return organizations.check(d.organizations(), scope).compose(checked -> CreateOrReplace.run(
        () -> groups.update(id, current -> {
          Etags.check(d.etag(), current.etag());
          return build(id, d);
        }),
        () -> {
          DeviceGroup created = build(id, d);
          return groups.insert(created).map(v -> created);
        }));
  }

  /** Merges the present fields of {@code change} into the stored group (see {@link #patch(String, String, Function)}). */
  public Future<DeviceGroup> patch(String id, Definition change) {
    return patch(id, change.etag(), g -> new Definition(
        change.displayName() != null ? change.displayName() : g.displayName(),
        change.description() != null ? change.description() : g.description(),
        change.filter() != null ? change.filter() : g.filter().text(),
        change.organizations() != null ? change.organizations() : g.organizations(), null));
  }

  /**
   * Changes a group in one atomic step: its stored row is locked, {@code merge} turns it into the new definition
   * (the HTTP edge applies the JSON merge patch), which is checked like a PUT and written over it. Concurrent changes
   * are serialised, none lost; a group deleted before answers {@code NotFound} and stays deleted. Fails with
   * {@code PreconditionFailed} when {@code etag} (null: no check) is not the stored one.
   */
  public Future<DeviceGroup> patch(String id, String etag, Function<DeviceGroup, Definition> merge) {
    return patch(id, etag, null, merge, OrganizationScope.WHOLE);
  }

  /**
   * As {@link #patch(String, String, Function)} by a caller that reaches {@code scope}; {@code organizations} are
   * those the patch itself sets (null: none), checked before the change.
   */
  public Future<DeviceGroup> patch(String id, String etag, List<String> organizations,
                                   Function<DeviceGroup, Definition> merge, OrganizationScope scope) {
    return this.organizations.check(organizations, scope).compose(checked -> groups.update(id, current -> {
      Etags.check(etag, current.etag());
      Definition merged = merge.apply(current);
      scope.keepWithin(merged.organizations());
      return build(id, merged);
    })).map(g -> g.orElseThrow(() -> notFound(id)));
  }

  public Future<DeviceGroup> get(String id) {
    return groups.find(id).map(g -> g.orElseThrow(() -> notFound(id)));
  }

  public Future<Page<DeviceGroup>> list(PageRequest page) {
    return list(OrganizationScope.WHOLE, page);
  }

  /** The groups {@code scope} reaches. */
  public Future<Page<DeviceGroup>> list(OrganizationScope scope, PageRequest page) {
    return groups.list(scope, page);
  }

  /** The fields a group list's {@code filter} may test ({@code scopes}: organization id). */
  public static final List<ListField> LIST_FIELDS = List.of(ListField.text("id"), ListField.text("displayName"),
      ListField.text("scopes"));

  /** The groups {@code scope} reaches that a list request ({@code filter}, {@code orderby}) selects, one page. */
  public Future<Page<DeviceGroup>> select(ListQuery query, OrganizationScope scope, PageRequest page) {
    return groups.select(query, scope, page);
  }

  public Future<Void> delete(String id) {
    return groups.delete(id).map(found -> {
      if (!found) {
        throw notFound(id);
      }
      return null;
    });
  }

  /** Creates the new template's "&lt;template name&gt; - All devices" group. */
  @Override
  public Future<Void> published(DeviceTemplate template) {
    return createDefaultGroup(template.id(), template.displayName()).mapEmpty();
  }

  /** The "&lt;template name&gt; - All devices" group made when a template is published. */
  public Future<DeviceGroup> createDefaultGroup(String templateId, String templateDisplayName) {
    String filter = "SELECT * FROM devices WHERE $template = \"" + templateId.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    DeviceGroup g = build(UUID.randomUUID().toString(),
        new Definition(Limits.fit(templateDisplayName, " - All devices", Limits.DISPLAY_NAME), DEFAULT_DESCRIPTION,
            filter, null, null));
    return groups.save(g).map(v -> g);
  }

  private static DeviceGroup build(String id, Definition d) {
    if (d.displayName() == null || d.displayName().isBlank()) {
      throw new FlotillaException.Invalid("\"displayName\" is required and must be a non-empty string.");
    }
    if (d.filter() == null || d.filter().isBlank()) {
      throw new FlotillaException.Invalid("\"filter\" is required, e.g. SELECT * FROM devices WHERE $template = \"dtmi:...\".");
    }
    Limits.text("displayName", d.displayName(), Limits.DISPLAY_NAME);
    Limits.text("description", d.description(), Limits.DESCRIPTION);
    Limits.text("filter", d.filter(), Limits.FILTER);
    Limits.organizations("organizations", d.organizations());
    DeviceFilter filter = FilterParser.parse(d.filter());
    return new DeviceGroup(id, d.displayName(), d.description(), filter, Etags.fresh(),
        d.organizations() == null ? List.of() : List.copyOf(d.organizations()));
  }

  private static FlotillaException.NotFound notFound(String id) {
    return new FlotillaException.NotFound("Device group \"" + id + "\" not found.");
  }
}
