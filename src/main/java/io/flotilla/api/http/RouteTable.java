package io.flotilla.api.http;

import io.flotilla.domain.auth.Permission;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/** Every REST operation with its logic, in registration order. */
public final class RouteTable {
  private final List<Entry> entries = new ArrayList<>();

  public record Entry(RouteSpec spec, Endpoint endpoint) {
  }

  public RouteTable add(HttpMethod method, String path, Permission permission, String operationId, int success,
                        String summary, Endpoint endpoint) {
    entries.add(new Entry(new RouteSpec(method, path, permission, operationId, success, summary), endpoint));
    return this;
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  public List<RouteSpec> specs() {
    return entries.stream().map(Entry::spec).toList();
  }
}
