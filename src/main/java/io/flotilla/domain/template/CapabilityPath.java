package io.flotilla.domain.template;

import io.flotilla.domain.common.FlotillaException;

/**
 * Where a capability sits: {@code name} at the root ({@code component} is {@code null}) or
 * {@code component.name} inside a component, as job data {@code path}s write it.
 */
public record CapabilityPath(String component, String name) {

  public CapabilityPath {
    if (name == null || name.isEmpty()) {
      throw new FlotillaException.Invalid("capability path: missing capability name");
    }
  }

  /**
   * Parses {@code name} or {@code component.name}.
   *
   * @throws FlotillaException.Invalid when the path is empty, has an empty part or more than one dot
   */
  public static CapabilityPath parse(String path) {
    if (path == null || path.isEmpty()) {
      throw new FlotillaException.Invalid("capability path: must not be empty");
    }
    String[] parts = path.split("\\.", -1);
    if (parts.length > 2 || parts[0].isEmpty() || parts[parts.length - 1].isEmpty()) {
      throw new FlotillaException.Invalid(
          "capability path \"" + path + "\": expected a capability name or componentName.capabilityName");
    }
    return parts.length == 1 ? new CapabilityPath(null, parts[0]) : new CapabilityPath(parts[0], parts[1]);
  }

  public boolean inComponent() {
    return component != null;
  }

  @Override
  public String toString() {
    return component == null ? name : component + "." + name;
  }
}
