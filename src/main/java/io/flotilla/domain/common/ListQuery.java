package io.flotilla.domain.common;

/** What a list request selects and in which order: a filter (null: everything) and an order. */
public record ListQuery(ListFilter filter, ListOrder order) {
  public static final ListQuery ALL = new ListQuery(null, ListOrder.BY_ID);

  public ListQuery {
    order = order == null ? ListOrder.BY_ID : order;
  }
}
