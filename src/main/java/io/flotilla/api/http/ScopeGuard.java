package io.flotilla.api.http;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.organization.ScopedResources;
import io.flotilla.domain.organization.ScopedResources.Kind;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For an organization-scoped caller, a device, group, job, scheduled job or organization named in the path that lies
 * outside the caller's organizations is answered as if it did not exist (404), before the route runs: so every route
 * under {@code /devices/{deviceId}} (properties, commands, telemetry, attestation, ...) is covered at once. A resource
 * that does not exist passes (a PUT may create it; the service then checks the organizations it is given).
 */
final class ScopeGuard {
  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");
  private static final Map<String, Kind> KINDS = Map.of("deviceId", Kind.DEVICE, "deviceGroupId", Kind.DEVICE_GROUP,
      "jobId", Kind.JOB, "scheduledJobId", Kind.SCHEDULED_JOB, "organizationId", Kind.ORGANIZATION);
  private static final Map<Kind, String> NAMES = Map.of(Kind.DEVICE, "Device", Kind.DEVICE_GROUP, "Device group",
      Kind.JOB, "Job", Kind.SCHEDULED_JOB, "Scheduled job", Kind.ORGANIZATION, "Organization");

  private final ScopedResources resources;

  ScopeGuard(ScopedResources resources) {
    this.resources = resources;
  }

  Future<Void> check(RouteSpec route, Call call) {
    if (resources == null || call.scope().whole()) {
      return Future.succeededFuture();
    }
    Map<Kind, String> named = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(route.path());
    while (m.find()) {
      Kind kind = KINDS.get(m.group(1));
      if (kind != null) {
        named.put(kind, call.path(m.group(1)));
      }
    }
    Future<Void> checked = Future.succeededFuture();
    for (Map.Entry<Kind, String> e : named.entrySet()) {
      checked = checked.compose(v -> resources.outside(e.getKey(), e.getValue(), call.scope()).map(outside -> {
        if (outside) {
          throw new FlotillaException.NotFound(NAMES.get(e.getKey()) + " \"" + e.getValue() + "\" not found.");
        }
        return null;
      }));
    }
    return checked;
  }
}
