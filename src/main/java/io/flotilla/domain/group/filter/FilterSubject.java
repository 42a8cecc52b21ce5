package io.flotilla.domain.group.filter;

import java.util.Optional;

/** The view of a device that {@link DeviceFilter#matches(FilterSubject)} evaluates against. */
public interface FilterSubject {

  String id();

  /** The template id, or null when the device has no template. */
  String template();

  /** The display name; null is read as the id. */
  String displayName();

  boolean simulated();

  boolean provisioned();

  boolean enabled();

  /**
   * A primitive cloud or reported property value by name ({@code CustomerName} or {@code component.name}): a
   * {@link String}, a {@link Number} (Long, Double, BigDecimal... all compared as doubles) or a {@link Boolean}.
   * Empty when absent; values of other types never match.
   */
  Optional<Object> property(String name);
}
