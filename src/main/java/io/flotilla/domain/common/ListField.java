package io.flotilla.domain.common;

import java.util.List;
import java.util.Optional;

/** A field a list's {@code filter} may test: its name on the wire and whether it holds strings or booleans. */
public record ListField(String name, Kind kind) {
  public enum Kind { STRING, BOOLEAN }

  public static ListField text(String name) {
    return new ListField(name, Kind.STRING);
  }

  public static ListField flag(String name) {
    return new ListField(name, Kind.BOOLEAN);
  }

  /** The field of that name (case-sensitive, as the service's field names are). */
  public static Optional<ListField> named(List<ListField> fields, String name) {
    return fields.stream().filter(f -> f.name.equals(name)).findFirst();
  }
}
