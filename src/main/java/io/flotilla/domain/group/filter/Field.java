package io.flotilla.domain.group.filter;

/** What a condition looks at: a device attribute ({@link SystemField}) or a property ({@link PropertyField}). */
public sealed interface Field permits SystemField, PropertyField {

  /** The field as written in a filter: {@code $template}, {@code CustomerName}, {@code settings.targetTemp}. */
  String text();
}
