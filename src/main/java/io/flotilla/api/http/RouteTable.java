package io.flotilla.api.http;

import io.flotilla.domain.auth.Permission;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Every REST operation with its logic, in registration order. */
public final class RouteTable {
  private final List<Entry> entries = new ArrayList<>();

  public record Entry(RouteSpec spec, Endpoint endpoint) {
  }

  /** An operation just added: declare the query parameters it accepts besides {@code api-version}. */
  public final class Added {
    private final int index;

    private Added(int index) {
      this.index = index;
    }

    public Added accepts(QueryParameter... parameters) {
      return accepts(Arrays.asList(parameters));
    }

    public Added accepts(List<QueryParameter> parameters) {
      Entry e = entries.get(index);
      entries.set(index, new Entry(e.spec().accepting(parameters), e.endpoint()));
      return this;
    }

    /** Another success status the operation may answer (documented in the OpenAPI description). */
    public Added alsoAnswers(int status) {
      Entry e = entries.get(index);
      entries.set(index, new Entry(e.spec().alsoSucceeding(status), e.endpoint()));
      return this;
    }

    /** A paged list: {@code maxpagesize}, {@code $top}, {@code $skiptoken}. */
    public Added paged() {
      return accepts(QueryParameter.paging());
    }
  }

  public Added add(HttpMethod method, String path, Permission permission, String operationId, int success,
                   String summary, Endpoint endpoint) {
    entries.add(new Entry(new RouteSpec(method, path, needed(method, path, permission), operationId, success,
        summary), endpoint));
    return new Added(entries.size() - 1);
  }

  /**
   * Reads (GET) in the device area need only {@link Permission#VIEW_DEVICES} (what Org Viewer holds), except a
   * device's attestation and credentials, which hold its keys.
   */
  static Permission needed(HttpMethod method, String path, Permission declared) {
    boolean keys = path.endsWith("/attestation") || path.endsWith("/credentials");
    return declared == Permission.OPERATE_DEVICES && method == HttpMethod.GET && !keys ? Permission.VIEW_DEVICES
        : declared;
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  public List<RouteSpec> specs() {
    return entries.stream().map(Entry::spec).toList();
  }
}
