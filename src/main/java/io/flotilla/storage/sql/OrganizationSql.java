package io.flotilla.storage.sql;

import io.flotilla.domain.common.OrganizationScope;
import java.util.List;

/**
 * The organization scope as a SQL predicate over a column holding a resource's organization: the column must name
 * one of the scope's organizations or a descendant (one indexed subquery over {@code organization_tree}); a resource
 * of the root (null) is reached only by the whole application. Composes with any other predicate by AND.
 */
final class OrganizationSql {
  private OrganizationSql() {
  }

  static SqlPredicate within(String column, OrganizationScope scope) {
    if (scope.whole()) {
      return new SqlPredicate("1 = 1", List.of());
    }
    List<String> roots = scope.rootList();
    if (roots.isEmpty()) {
      return new SqlPredicate("1 = 0", List.of());
    }
    return new SqlPredicate("(" + column + " IS NOT NULL AND " + column + " IN (SELECT t.organization_id FROM "
        + "organization_tree t WHERE t.ancestor_id IN (" + String.join(", ", java.util.Collections.nCopies(
            roots.size(), "?")) + ")))", List.copyOf(roots));
  }
}
