package io.flotilla.domain.device;

/** A link from a parent device ({@code source}) to a child device ({@code target}), reference 5.7. */
public record DeviceRelationship(String id, String source, String target) {
  /** Whether {@code deviceId} is one of its ends. */
  public boolean touches(String deviceId) {
    return source.equals(deviceId) || target.equals(deviceId);
  }
}
