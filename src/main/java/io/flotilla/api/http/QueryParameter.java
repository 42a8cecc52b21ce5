package io.flotilla.api.http;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A query parameter an operation accepts (besides {@code api-version}, which every operation takes), and the
 * api-versions it is accepted under. The route table declares them; {@link QueryCheck} refuses any other.
 */
public record QueryParameter(String name, Set<ApiVersion> versions, String description) {
  public QueryParameter {
    versions = Set.copyOf(versions);
  }

  /** Accepted under every supported api-version. */
  public static QueryParameter always(String name, String description) {
    return new QueryParameter(name, EnumSet.allOf(ApiVersion.class), description);
  }

  /** Accepted under {@code 2022-10-31-preview} only (where the service's preview spec declares it). */
  public static QueryParameter preview(String name, String description) {
    return new QueryParameter(name, EnumSet.of(ApiVersion.V2022_10_31_PREVIEW), description);
  }

  /** {@code maxpagesize} (alias {@code $top}) and {@code $skiptoken}: every paged list, every api-version (D-j). */
  public static List<QueryParameter> paging() {
    return List.of(always("maxpagesize", "Items per page, 1-100 (default 25 under 2022-10-31-preview, else 100)"),
        always("$top", "Alias of maxpagesize"),
        always("$skiptoken", "Opaque position of the next page; use the nextLink as it is"));
  }

  /** {@code filter} and {@code orderby} (and their OData aliases {@code $filter}, {@code $orderby}): preview only. */
  public static List<QueryParameter> filterAndOrder(String fields) {
    return List.of(preview("filter", "OData-like filter over " + fields),
        preview("$filter", "Alias of filter"),
        preview("orderby", "displayName or the id field, then asc (default) or desc"),
        preview("$orderby", "Alias of orderby"));
  }

  public boolean acceptedUnder(ApiVersion version) {
    return versions.contains(version);
  }
}
