package io.flotilla.api.http;

import io.flotilla.domain.common.FlotillaException;
import io.vertx.core.MultiMap;
import java.util.stream.Collectors;

/**
 * Refuses, with a 400 naming it, any query parameter the route table does not declare for the operation under the
 * requested api-version, and a declared one given twice: no parameter is ever silently ignored. Run once for every
 * request, before the operation's logic.
 */
final class QueryCheck {
  static final String API_VERSION = "api-version";

  private QueryCheck() {
  }

  static void check(RouteSpec spec, ApiVersion version, MultiMap params) {
    for (String name : params.names()) {
      if (name.isEmpty() || name.equalsIgnoreCase(API_VERSION)) {
        continue; // the first api-version counts (D-a); an empty name ("&&", "=") carries nothing
      }
      QueryParameter declared = spec.parameter(name).orElse(null);
      if (declared == null || !declared.acceptedUnder(version)) {
        throw new FlotillaException.Invalid("Query parameter \"" + name + "\" is not supported by "
            + spec.operationId() + " (" + spec.method() + " " + spec.path() + ") under api-version "
            + version.text() + "." + elsewhere(declared));
      }
      if (params.getAll(name).size() > 1) {
        throw new FlotillaException.Invalid("Query parameter \"" + name + "\" is given more than once.");
      }
    }
  }

  private static String elsewhere(QueryParameter declared) {
    if (declared == null) {
      return "";
    }
    return " It is supported under api-version " + declared.versions().stream().map(ApiVersion::text).sorted()
        .collect(Collectors.joining(", ")) + ".";
  }
}
