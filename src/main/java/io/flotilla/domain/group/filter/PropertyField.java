package io.flotilla.domain.group.filter;

import java.util.Objects;

/**
 * A cloud or reported property by name: a root-level name ({@code CustomerName}) or a component-qualified one
 * ({@code settings.targetTemp}). Names are case-sensitive.
 */
public record PropertyField(String name) implements Field {

  public PropertyField {
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String text() {
    return name;
  }
}
