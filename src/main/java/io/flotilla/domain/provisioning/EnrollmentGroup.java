package io.flotilla.domain.provisioning;

/**
 * A symmetric-key enrollment group: devices prove membership with a key derived from the group key and their
 * registration id. {@code type} is {@code iot} or {@code iotEdge}.
 */
public record EnrollmentGroup(String id, String displayName, boolean enabled, String type, String primaryKey,
                              String secondaryKey, String etag) {
  public static final String TYPE_IOT = "iot";
  public static final String TYPE_IOT_EDGE = "iotEdge";
}
