package io.flotilla.domain.group.filter;

import java.util.Objects;

/**
 * A parsed device-group filter: the text as given and its condition tree. Build one with
 * {@link FilterParser#parse(String)}.
 *
 * <p>Absent values never match (as in SQL): a device without a template, or without the named property, or whose
 * property has another type than the literal, fails every condition on it, {@code !=} and {@code IN} included.
 */
public record DeviceFilter(String text, Condition condition) {

  public DeviceFilter {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(condition, "condition");
  }

  /** Whether the device belongs to the group. */
  public boolean matches(FilterSubject device) {
    return condition.accept(new SubjectMatch(device));
  }

  /** Walks the condition tree from its root. */
  public <R> R accept(Condition.Visitor<R> visitor) {
    return condition.accept(visitor);
  }
}
