package io.flotilla.storage.sql;

import io.flotilla.domain.common.ListFilter;
import io.flotilla.domain.common.ListOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for a list request ({@code filter}, {@code orderby}, keyset position) over one table whose filterable fields
 * are columns. A page is always {@code WHERE <filter> AND <after the position> ORDER BY <key> LIMIT n}, so with the
 * right index it costs the same at any depth: ({@code id}) or ({@code display_name, id}); when the filter pins an
 * indexed column to one value ({@code template eq 'x'}, at the top or inside a top-level {@code and}), that column
 * leads the key so the ({@code column, ...}) index is walked instead of filtering a whole scan.
 */
final class ListSql {
  private ListSql() {
  }

  /** The columns of a table: filter fields to column expressions, and the id and display-name columns. */
  record Table(Map<String, String> fields, String id, String displayName) {
  }

  /** The WHERE (filter and position) with its parameters, and the ORDER BY. */
  record Page(String where, List<Object> parameters, String orderBy) {
    /** This page's WHERE ANDed after {@code first} (e.g. the organization scope), parameters in that order. */
    Page within(SqlPredicate first) {
      List<Object> all = new ArrayList<>(first.parameters());
      all.addAll(parameters);
      return new Page(first.sql() + " AND (" + where + ")", all, orderBy);
    }
  }

  /**
   * A page after {@code after} (a key of {@code order}, null for the first page). {@code pinnable}: columns that
   * have an index leading with them and followed by the order's columns.
   */
  static Page page(Table table, ListFilter filter, ListOrder order, String after, List<String> pinnable) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder(filter == null ? "1 = 1" : translate(filter, table, params));
    boolean desc = order.descending();
    String gt = desc ? "<" : ">";
    String dir = desc ? " DESC" : "";
    if (after != null) {
      ListOrder.Position p = order.position(after);
      if (order.by() == ListOrder.By.ID) {
        where.append(" AND ").append(table.id()).append(' ').append(gt).append(" ?");
        params.add(p.id());
      } else {
        // "name >= ? AND (name > ? OR id > ?)": the first conjunct gives the index a start, the rest the tie-break.
        where.append(" AND ").append(table.displayName()).append(' ').append(gt).append("= ? AND (")
            .append(table.displayName()).append(' ').append(gt).append(" ? OR ").append(table.id()).append(' ')
            .append(gt).append(" ?)");
        params.add(p.displayName());
        params.add(p.displayName());
        params.add(p.id());
      }
    }
    StringBuilder orderBy = new StringBuilder();
    pinned(filter, table, pinnable).ifPresent(c -> orderBy.append(c).append(dir).append(", "));
    if (order.by() == ListOrder.By.DISPLAY_NAME) {
      orderBy.append(table.displayName()).append(dir).append(", ");
    }
    orderBy.append(table.id()).append(dir);
    return new Page(where.toString(), params, orderBy.toString());
  }

  /** The first pinnable column compared with {@code eq} at the top level (or inside a top-level {@code and}). */
  static Optional<String> pinned(ListFilter filter, Table table, List<String> pinnable) {
    List<ListFilter> parts = filter instanceof ListFilter.And and ? and.parts()
        : filter == null ? List.of() : List.of(filter);
    for (String column : pinnable) {
      for (ListFilter part : parts) {
        if (part instanceof ListFilter.Compare c && c.operator() == ListFilter.Operator.EQ
            && column.equals(table.fields().get(c.field().name()))) {
          return Optional.of(column);
        }
      }
    }
    return Optional.empty();
  }

  private static String translate(ListFilter f, Table table, List<Object> params) {
    if (f instanceof ListFilter.Compare c) {
      params.add(c.value());
      return column(table, c.field().name()) + " " + c.operator().sql() + " ?";
    }
    if (f instanceof ListFilter.Contains c) {
      params.add(FilterSql.likePattern(c.text()));
      return column(table, c.field().name()) + " LIKE ? ESCAPE '\\'";
    }
    if (f instanceof ListFilter.StartsWith s) {
      params.add(FilterSql.likeEscape(s.text()) + "%");
      return column(table, s.field().name()) + " LIKE ? ESCAPE '\\'";
    }
    List<ListFilter> parts = f instanceof ListFilter.And and ? and.parts() : ((ListFilter.Or) f).parts();
    String joiner = f instanceof ListFilter.And ? " AND " : " OR ";
    List<String> sql = new ArrayList<>();
    for (ListFilter part : parts) {
      sql.add(translate(part, table, params));
    }
    return "(" + String.join(joiner, sql) + ")";
  }

  private static String column(Table table, String field) {
    String c = table.fields().get(field);
    if (c == null) {
      throw new IllegalArgumentException("No column for list field " + field);
    }
    return c;
  }
}
