package io.flotilla.domain.job;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.Ids;
import io.flotilla.domain.common.Limits;
import io.flotilla.domain.group.GroupService;
import io.flotilla.domain.template.Capability;
import io.flotilla.domain.template.CapabilityModel;
import io.flotilla.domain.template.CapabilityPath;
import io.flotilla.domain.template.CommandCapability;
import io.flotilla.domain.template.DeviceTemplate;
import io.flotilla.domain.template.PropertyCapability;
import io.flotilla.domain.template.TemplateService;
import io.flotilla.domain.common.OrganizationScope;
import io.flotilla.domain.organization.OrganizationReferences;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a job definition against its group and templates; every problem is a 400 naming the entry. */
final class JobValidator {
  private final GroupService groups;
  private final TemplateService templates;
  private final OrganizationReferences organizations;

  JobValidator(GroupService groups, TemplateService templates, OrganizationReferences organizations) {
    this.groups = groups;
    this.templates = templates;
    this.organizations = organizations;
  }

  /** Answers the kind shared by all entries, or fails with {@code Invalid}. */
  Future<JobType> check(JobDefinition d) {
    return check(d, OrganizationScope.WHOLE);
  }

  /**
   * As {@link #check(JobDefinition)} for a caller that reaches {@code scope}: the job's organizations must be ones it
   * reaches, and so must the group (one it does not reach does not exist for it).
   */
  Future<JobType> check(JobDefinition d, OrganizationScope scope) {
    JobType kind = checkShape(d);
    FlotillaException.Invalid noGroup = new FlotillaException.Invalid("Device group \"" + d.groupId()
        + "\" does not exist.");
    Future<Void> group = groups.get(d.groupId()).compose(g -> organizations.reaches(g.organizations(), scope))
        .<Void>map(reached -> {
          if (!reached) {
            throw noGroup;
          }
          return null;
        }).recover(e -> Future.failedFuture(e instanceof FlotillaException.NotFound ? noGroup : e));
    List<Future<Void>> checks = new ArrayList<>();
    checks.add(group);
    checks.add(organizations.check(d.organizations(), scope));
    for (int i = 0; i < d.items().size(); i++) {
      checks.add(checkItem(kind, d.items().get(i), "data[" + i + "]"));
    }
    return Future.all(checks).map(x -> kind);
  }

  /**
   * The checks that look nothing up (sizes, ranges, kinds): answers the kind, or fails with {@code Invalid}. What
   * {@link #check} adds depends only on the group and the entries.
   */
  JobType checkShape(JobDefinition d) {
    if (d.groupId() == null || d.groupId().isBlank()) {
      throw new FlotillaException.Invalid("\"group\" is required: the id of a device group.");
    }
    Ids.groupOrJobId("group", d.groupId());
    if (d.items() == null || d.items().isEmpty()) {
      throw new FlotillaException.Invalid("\"data\" is required and must hold at least one entry.");
    }
    Limits.text("displayName", d.displayName(), Limits.DISPLAY_NAME);
    Limits.text("description", d.description(), Limits.DESCRIPTION);
    Limits.organizations("organizations", d.organizations());
    Limits.document("\"data\"", JobItem.toJson(d.items()), Limits.DOCUMENT);
    checkRange("batch", d.batch() == null ? null : d.batch().type(), d.batch() == null ? 0 : d.batch().value());
    if (d.cancellationThreshold() != null) {
      checkRange("cancellationThreshold", d.cancellationThreshold().type(), d.cancellationThreshold().value());
    }
    JobType kind = kindOf(d.items());
    if (kind == JobType.TEMPLATE_MIGRATION && d.items().size() > 1) {
      throw new FlotillaException.Invalid("A template migration job takes exactly one \"data\" entry.");
    }
    if (kind != JobType.TEMPLATE_MIGRATION
        && d.items().stream().map(JobItem::target).filter(java.util.Objects::nonNull).distinct().count() > 1) {
      throw new FlotillaException.Invalid("All \"data\" entries of a job must have the same \"target\" template.");
    }
    checkOptions(kind, d.options());
    return kind;
  }



  /** Extensions that only make sense for some job types, and combinations that need another field. */
  static void checkOptions(JobType kind, JobOptions o) {
    if (o.waitForConnection() != null && kind != JobType.COMMAND && !(kind == JobType.PROPERTY && o.confirm())) {
      throw new FlotillaException.Invalid("\"delivery.waitForConnection\" applies to command jobs and to confirmed "
          + "property jobs.");
    }
    if (o.retry() != null && kind != JobType.COMMAND) {
      throw new FlotillaException.Invalid("\"delivery.retry\" applies to command jobs.");
    }
    if (o.confirm() && kind != JobType.PROPERTY) {
      throw new FlotillaException.Invalid("\"delivery.confirm\" applies to property jobs.");
    }
    if (o.until() != null && !o.continuous()) {
      throw new FlotillaException.Invalid("\"end\" applies to continuous jobs (\"continuous\": true).");
    }
  }

  private static JobType kindOf(List<JobItem> items) {
    Set<JobType> kinds = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String type = items.get(i).type();
      int index = i;
      kinds.add(JobType.bySpelling(type).orElseThrow(() -> new FlotillaException.Invalid("data[" + index
          + "].type \"" + type + "\" is not one of command, property, cloudProperty, deviceTemplateMigration "
          + "(or CommandJobData, PropertyJobData, CloudPropertyJobData, DeviceTemplateMigrationJobData).")));
    }
    if (kinds.size() > 1) {
      throw new FlotillaException.Invalid("All \"data\" entries of a job must have the same type.");
    }
    return kinds.iterator().next();
  }

  private Future<Void> checkItem(JobType kind, JobItem item, String where) {
    if (kind == JobType.TEMPLATE_MIGRATION) {
      if (item.template() == null || item.template().isEmpty()) {
        throw new FlotillaException.Invalid(where + ".template is required: the id of the target device template.");
      }
      Ids.templateId(item.template());
      return templates.find(item.template()).map(t -> {
        if (t.isEmpty()) {
          throw new FlotillaException.Invalid(where + ".template \"" + item.template() + "\" does not exist.");
        }
        return null;
      });
    }
    if (item.target() == null || item.target().isEmpty()) {
      throw new FlotillaException.Invalid(where + ".target is required: the id of the device template.");
    }
    if (item.path() == null || item.path().isEmpty()) {
      throw new FlotillaException.Invalid(where + ".path is required: the capability name.");
    }
    Ids.templateId(item.target());
    CapabilityPath path = CapabilityPath.parse(item.path());
    return templates.find(item.target()).map(found -> {
      DeviceTemplate t = found.orElseThrow(() -> new FlotillaException.Invalid(
          where + ".target \"" + item.target() + "\" is not a device template."));
      checkCapability(kind, t.model(), path, item, where);
      return null;
    });
  }

  private static void checkCapability(JobType kind, CapabilityModel model, CapabilityPath path, JobItem item,
                                      String where) {
    Capability c = model.resolve(path).orElseThrow(() -> new FlotillaException.Invalid(
        where + ".path \"" + item.path() + "\" is not in template \"" + item.target() + "\"."));
    switch (kind) {
      case COMMAND -> {
        if (!(c instanceof CommandCapability cmd)) {
          throw new FlotillaException.Invalid(where + ".path \"" + item.path() + "\" is not a command.");
        }
        boolean noValue = item.value() == null || item.value().isNull();
        if (cmd.request().isPresent() && !noValue) {
          cmd.request().get().schema().check(item.value(), where + ".value");
        }
      }
      case PROPERTY, CLOUD_PROPERTY -> {
        if (!(c instanceof PropertyCapability p) || (kind == JobType.PROPERTY ? !p.writable() || p.cloud() : !p.cloud())) {
          throw new FlotillaException.Invalid(where + ".path \"" + item.path() + "\" is not a "
              + (kind == JobType.PROPERTY ? "writable device property." : "cloud property."));
        }
        if (item.value() == null || item.value().isNull()) {
          throw new FlotillaException.Invalid(where + ".value is required for a property job.");
        }
        p.schema().check(item.value(), where + ".value");
      }
      default -> throw new IllegalStateException(kind.name());
    }
  }

  private static void checkRange(String field, JobBatch.Measure type, double value) {
    if (type == null) {
      return;
    }
    boolean ok = type == JobBatch.Measure.PERCENTAGE ? value >= 1 && value <= 100 : value >= 1 && value <= 1_000_000_000;
    if (!ok || Double.isNaN(value)) {
      throw new FlotillaException.Invalid("\"" + field + ".value\" must be " + (type == JobBatch.Measure.PERCENTAGE
          ? "a percentage from 1 to 100." : "a number of devices of at least 1."));
    }
  }
}
