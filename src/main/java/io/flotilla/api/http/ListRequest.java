package io.flotilla.api.http;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.common.ListField;
import io.flotilla.domain.common.ListFilterParser;
import io.flotilla.domain.common.ListOrder;
import io.flotilla.domain.common.ListQuery;
import java.util.List;

/** The {@code filter} and {@code orderby} of a list call (or their {@code $filter} / {@code $orderby} aliases). */
final class ListRequest {
  private ListRequest() {
  }

  /** The declared parameters of a list with these filter fields. */
  static List<QueryParameter> parameters(List<ListField> fields) {
    return QueryParameter.filterAndOrder(String.join(", ", fields.stream().map(ListField::name).toList()));
  }

  /**
   * The list query of {@code call} over {@code fields}, ordered by displayName or {@code idField}; a malformed
   * filter or orderby is a 400 naming the problem.
   */
  static ListQuery of(Call call, List<ListField> fields, String idField) {
    String filter = either(call, "filter");
    String orderby = either(call, "orderby");
    return new ListQuery(filter == null ? null : ListFilterParser.parse(filter, fields),
        ListOrder.parse(orderby, idField));
  }

  private static String either(Call call, String name) {
    String plain = call.query(name);
    String alias = call.query("$" + name);
    if (plain != null && alias != null) {
      throw new FlotillaException.Invalid("Give \"" + name + "\" or \"$" + name + "\", not both.");
    }
    return plain != null ? plain : alias;
  }
}
